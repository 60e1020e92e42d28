package dev.pipeline.publish.control;

/** Why a {@link PublishChannel} did not store a send; the reason says what is known and decides what happens next. */
public final class SendFailure extends Exception {

    public enum Reason {
        /** The transaction holds a messageId the address has stored already; nothing of it was stored. */
        DUPLICATE,
        /** The address refuses messages (address-full-policy FAIL); nothing was stored, the channel can be used again. */
        ADDRESS_FULL,
        /** The address has no queue, so the broker would drop the messages and still acknowledge them. */
        NO_SUBSCRIPTION,
        /** The broker rolled the transaction back (a failover before its commit): nothing was stored, sending again is safe. */
        ROLLED_BACK,
        /**
         * The send may or may not have been stored (a commit broken by a failover, no answer within the
         * call timeout, a thread interrupted in the client): the channel is replaced, the request answered
         * 503, and the producer's retry with the same ids is stored at most once.
         */
        OUTCOME_UNKNOWN,
        /** No channel could be opened: the broker is not reachable, or is being reconnected to. Nothing was sent. */
        UNREACHABLE,
        /** The session failed otherwise: the channel is closed and not used again. */
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
