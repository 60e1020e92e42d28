package dev.pipeline.produce.control;

import dev.pipeline.problem.Problem;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The messages of one request on their way to the broker. The request is answered once: stored,
 * refused, or out of time. The send is finished once, possibly later than the answer: only then
 * are its messageIds released to other requests, so that a retry after a timeout cannot race a
 * send that is still going on.
 */
final class Publication {

    private final CompletableFuture<Void> answer = new CompletableFuture<>();
    private final AtomicBoolean answered = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final InFlightIds.Claim claim;
    private final Executor responder;
    private volatile ScheduledFuture<?> deadline;

    Publication(InFlightIds.Claim claim, Executor responder) {
        this.claim = claim;
        this.responder = responder;
    }

    /**
     * Answers with the problem {@code late} makes unless the send was answered within {@code
     * millis}; made only then, as a problem is an exception with a stack trace.
     */
    void answerLateWith(Supplier<Problem> late, long millis, ScheduledExecutorService timer) {
        deadline = timer.schedule(() -> answer(late.get()), millis, TimeUnit.MILLISECONDS);
    }

    CompletionStage<Void> answer() {
        return answer;
    }

    /**
     * Whether the send may begin: false, and the send finished, if the request was answered
     * already (out of time), as nobody waits for it any more.
     */
    boolean begin() {
        if (answered.get()) {
            finish();
            return false;
        }
        return true;
    }

    void stored() {
        finish();
        answer(null);
    }

    void failed(Problem problem) {
        finish();
        answer(problem);
    }

    /** The send is over (or was never begun): its messageIds are free again. */
    void finish() {
        if (finished.compareAndSet(false, true)) {
            claim.close();
        }
    }

    /**
     * Completes the request on the responder threads: the broker's confirmations arrive on the
     * client's I/O threads, which must never write HTTP responses.
     */
    private void answer(Problem problem) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> pending = deadline;
        if (pending != null) {
            pending.cancel(false);
        }
        Runnable complete = () -> {
            if (problem == null) {
                answer.complete(null);
            } else {
                answer.completeExceptionally(problem);
            }
        };
        try {
            responder.execute(complete);
        } catch (RejectedExecutionException stopping) {
            complete.run();
        }
    }
}
