package dev.pipeline.problem;

/**
 * The service cannot store the request's messages now, and a retry with the same messageIds after
 * {@link #retryAfterSeconds()} is safe. Raised in control, answered 503 by {@link UnavailableMapper}.
 * It has no stack trace: it is an answer, raised on every request while the broker is away.
 */
public class UnavailableException extends RuntimeException {

    private final int retryAfterSeconds;

    public UnavailableException(String detail, int retryAfterSeconds) {
        super(detail, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
