package dev.pipeline.produce.control;

import java.util.Optional;
import java.util.regex.Pattern;

/** The W3C Trace Context {@code traceparent} header, passed on only when well formed, as the spec asks. */
public final class TraceContext {

    public static final String HEADER = "traceparent";
    private static final int VERSION_00_LENGTH = 55;
    private static final Pattern TRACEPARENT =
            Pattern.compile("[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");

    private TraceContext() {
    }

    public static Optional<String> valid(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        String value = traceparent.trim();
        boolean valid = TRACEPARENT.matcher(value).matches() && !value.startsWith("ff")
                && (!value.startsWith("00") || value.length() == VERSION_00_LENGTH);
        return valid ? Optional.of(value) : Optional.empty();
    }
}
