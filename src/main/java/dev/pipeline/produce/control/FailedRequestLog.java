package dev.pipeline.produce.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * One INFO line for a failed produce request (topic, status, reason), so that an operator sees why a
 * producer is refused, but never more than {@code pipeline.log.failed-requests-per-minute} lines a
 * minute however fast a client sends bad requests: the rest are counted, and the next minute's first
 * line says how many were left out. Reasons are cut to {@link #MAX_REASON_CHARS}: a reason can
 * quote the client (an unknown field's name).
 */
public final class FailedRequestLog {

    static final int MAX_REASON_CHARS = 200;
    private static final long MINUTE_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private final Logger log;
    private final int linesPerMinute;
    private final LongSupplier clockMillis;
    private final AtomicLong minuteStartMillis;
    private final AtomicInteger linesThisMinute = new AtomicInteger();
    private final AtomicLong leftOut = new AtomicLong();

    public FailedRequestLog(Logger log, int linesPerMinute) {
        this(log, linesPerMinute, System::currentTimeMillis);
    }

    FailedRequestLog(Logger log, int linesPerMinute, LongSupplier clockMillis) {
        this.log = log;
        this.linesPerMinute = linesPerMinute;
        this.clockMillis = clockMillis;
        this.minuteStartMillis = new AtomicLong(clockMillis.getAsLong());
    }

    public void failed(String topic, int status, String reason) {
        lines(topic, status, reason).forEach(log::info);
    }

    /** What one failure adds to the log: nothing, its line, or a count of those left out and its line. */
    List<String> lines(String topic, int status, String reason) {
        List<String> lines = new ArrayList<>(2);
        long now = clockMillis.getAsLong();
        long start = minuteStartMillis.get();
        if (now - start >= MINUTE_MILLIS && minuteStartMillis.compareAndSet(start, now)) {
            linesThisMinute.set(0);
            long skipped = leftOut.getAndSet(0);
            if (skipped > 0) {
                lines.add(skipped + " more failed produce requests were not logged in the minute before (at most "
                        + linesPerMinute + " lines a minute, pipeline.log.failed-requests-per-minute)");
            }
        }
        if (linesThisMinute.incrementAndGet() <= linesPerMinute) {
            lines.add("POST topics/" + topic + "/messages answered " + status + ": " + shortened(reason));
        } else {
            leftOut.incrementAndGet();
        }
        return lines;
    }

    private static String shortened(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason
                : reason.substring(0, MAX_REASON_CHARS) + "... (" + reason.length() + " characters)";
    }
}
