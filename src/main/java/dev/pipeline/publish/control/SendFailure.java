package dev.pipeline.publish.control;

/** Why a {@link PublishChannel} did not store a transaction; the reason decides what happens next. */
public final class SendFailure extends Exception {

    public enum Reason {
        /** The transaction holds a messageId the address has stored already; nothing of it was stored. */
        DUPLICATE,
        /** The address refuses messages (address-full-policy FAIL); the channel can be used again. */
        ADDRESS_FULL,
        /** The address has no queue, so the broker would drop the messages and still acknowledge them. */
        NO_SUBSCRIPTION,
        /**
         * The connection failed over to another broker (or was unblocked) during the transaction: it was
         * rolled back, or its outcome is unknown. Sending the same messages again is safe.
         */
        FAILED_OVER,
        /** No channel could be opened: the broker is not reachable, or is being reconnected to. */
        UNREACHABLE,
        /** Anything else: the channel is closed and not used again. */
        BROKEN
    }

    private final Reason reason;

    public SendFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
