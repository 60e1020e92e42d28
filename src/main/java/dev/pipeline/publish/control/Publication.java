package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The messages of one request on their way to the broker. The request is answered once: stored,
 * refused, or out of time. The send is finished once, possibly later than the answer: only then are
 * its messageIds released to other requests, so that a retry after a timeout cannot race a send that
 * is still going on.
 */
final class Publication {

    private final List<String> messageIds;
    private final Executor responder;
    private final CompletableFuture<List<String>> answer = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile InFlightIds.Claim claim;
    private volatile Runnable cancelDeadline = () -> { };

    Publication(List<String> messageIds, Executor responder) {
        this.messageIds = messageIds;
        this.responder = responder;
    }

    /** Answers with what {@code late} makes unless answered within {@code millis}. */
    void answerLateWith(Supplier<UnavailableException> late, long millis, Deadlines deadlines) {
        cancelDeadline = deadlines.after(millis, () -> answer(late.get()));
        if (answered.get()) {
            cancelDeadline.run();
        }
    }

    CompletionStage<List<String>> answer() {
        return answer;
    }

    List<String> messageIds() {
        return messageIds;
    }

    /** Takes the claim on the ids; false, and the claim released, if the request was answered meanwhile. */
    boolean hold(InFlightIds.Claim acquired) {
        claim = acquired;
        if (answered.get()) {
            finish();
            return false;
        }
        return true;
    }

    /** Whether the send may begin: false, and the send finished, once the request was answered (out of time). */
    boolean begin() {
        if (answered.get()) {
            finish();
            return false;
        }
        return true;
    }

    boolean isAnswered() {
        return answered.get();
    }

    void stored() {
        finish();
        answer(null);
    }

    void failed(UnavailableException reason) {
        finish();
        answer(reason);
    }

    /** The send is over (or never begun): its messageIds are free again. */
    private void finish() {
        InFlightIds.Claim held = claim;
        if (held != null && finished.compareAndSet(false, true)) {
            held.close();
        }
    }

    /**
     * Completes the request on the responder: the broker client's and the send threads must not
     * write HTTP responses.
     */
    private void answer(UnavailableException reason) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        cancelDeadline.run();
        Runnable complete = reason == null ? () -> answer.complete(messageIds) : () -> answer.completeExceptionally(reason);
        try {
            responder.execute(complete);
        } catch (RejectedExecutionException stopping) {
            complete.run();
        }
    }
}
