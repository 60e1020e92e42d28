package dev.pipeline.auth.control;

import dev.pipeline.lifecycle.control.HeldLoggerLevel;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Keeps a rejected bearer token from costing the log more than a counted line. Payara's MP-JWT
 * identity store logs a stack trace (about 4.7 KB) at INFO for every token it rejects, so a client
 * with a stale token could fill the operator's disk; while the application runs that logger is held
 * at WARNING (unless the operator configured its level), each refusal is logged here at FINE, and
 * at most once a minute one INFO line counts them.
 */
@ApplicationScoped
public class RejectedTokenLog {

    /** The one logger found logging per rejected token on Payara Micro 6.2025.10. */
    static final String PAYARA_JWT_STORE = "fish.payara.microprofile.jwtauth.eesecurity.SignedJWTIdentityStore";
    static final long SUMMARY_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(1);
    private static final Logger LOG = Logger.getLogger(RejectedTokenLog.class.getName());

    private final LongSupplier clockMillis;
    private final AtomicLong refusedSinceSummary = new AtomicLong();
    private final AtomicLong nextSummaryMillis = new AtomicLong(Long.MIN_VALUE);
    private HeldLoggerLevel held;

    public RejectedTokenLog() {
        this(System::currentTimeMillis);
    }

    RejectedTokenLog(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    void quietWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        Optional<HeldLoggerLevel> quieted = HeldLoggerLevel.hold(PAYARA_JWT_STORE, Level.WARNING, LogManager.getLogManager()::getProperty);
        held = quieted.orElse(null);
        if (quieted.isPresent()) {
            LOG.info(() -> "Logger " + PAYARA_JWT_STORE + " held at WARNING while this application runs, so that a rejected "
                    + "token is not logged with a stack trace; set its level in the logging configuration to choose another");
        }
    }

    @PreDestroy
    void release() {
        if (held != null) {
            held.release();
        }
    }

    /** Notes one refused token: at FINE, and in the next count if one is due. */
    public void refused(String reason) {
        LOG.fine(() -> "Bearer token refused: " + reason);
        String summary = countRefusal();
        if (summary != null) {
            LOG.info(summary);
        }
    }

    /** Counts a refusal; returns the count line when the last one is at least a minute old, else null. */
    String countRefusal() {
        refusedSinceSummary.incrementAndGet();
        long now = clockMillis.getAsLong();
        long due = nextSummaryMillis.get();
        if (now < due || !nextSummaryMillis.compareAndSet(due, now + SUMMARY_INTERVAL_MILLIS)) {
            return null;
        }
        return "Bearer tokens refused (401) since the last such line: " + refusedSinceSummary.getAndSet(0)
                + " (at most one line a minute; each at FINE on " + LOG.getName() + ")";
    }
}
