package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The messages of one request on their way to the broker, answered once. Until a send lane hands
 * them to the broker they may be withdrawn: the deadline then answers 503 and they are never sent.
 * Once handed over, the broker's outcome answers the request, so that a 503 does not leave a send
 * of this gateway in flight and a retry through any gateway follows the first try instead of racing
 * it (Artemis checks a transaction's ids against those already committed, so two transactions in
 * flight with one id would both be stored). Only a broker that holds a send past the last guard
 * gets a 503 while the send goes on.
 */
final class Publication {

    private enum State {
        /** Waiting for its ids or a lane; the deadline may withdraw it. */
        WAITING,
        /** Handed to the broker: answered by the outcome only; past the deadline no further send begins. */
        SENDING,
        /** Sending, and the deadline has passed. */
        SENDING_LATE,
        ANSWERED
    }

    private final List<String> messageIds;
    private final Executor responder;
    private final CompletableFuture<List<String>> answer = new CompletableFuture<>();
    private final AtomicReference<State> state = new AtomicReference<>(State.WAITING);
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile InFlightIds.Claim claim;
    private volatile Runnable cancelDeadlines = () -> { };

    Publication(List<String> messageIds, Executor responder) {
        this.messageIds = messageIds;
        this.responder = responder;
    }

    /**
     * After {@code withdrawMillis} a request still waiting is withdrawn (503, never sent); one already
     * handed to the broker keeps waiting for the outcome but is not sent again. After {@code answerMillis}
     * it is answered 503 whatever the broker does (a send held by an address full under the BLOCK policy
     * can wait for good): the last guard against a hang, its ids claimed until the send really ends.
     */
    void answerInTime(long withdrawMillis, long answerMillis, Deadlines deadlines) {
        Runnable cancelWithdraw = deadlines.after(withdrawMillis, () -> {
            if (state.compareAndSet(State.WAITING, State.ANSWERED)) {
                finish();
                respond(NotStored.notSentInTime());
            } else {
                state.compareAndSet(State.SENDING, State.SENDING_LATE);
            }
        });
        Runnable cancelGiveUp = deadlines.after(answerMillis, () -> answer(NotStored.notAnsweredInTime()));
        cancelDeadlines = () -> {
            cancelWithdraw.run();
            cancelGiveUp.run();
        };
        if (state.get() == State.ANSWERED) {
            cancelDeadlines.run();
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
        if (state.get() == State.ANSWERED) {
            finish();
            return false;
        }
        return true;
    }

    /**
     * Hands the messages to the broker: true from now on the request waits for the outcome; false,
     * and the claim released, if it was answered (withdrawn at the deadline, or refused) before.
     */
    boolean begin() {
        if (state.compareAndSet(State.WAITING, State.SENDING)) {
            return true;
        }
        finish();
        return false;
    }

    /** Whether the messages may be sent again after a failover: only within the request's deadline. */
    boolean mayResend() {
        return state.get() == State.SENDING;
    }

    void stored() {
        finish();
        answer(null);
    }

    /** The broker did not store them (or never got them): nothing of this request is in flight any more. */
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

    private void answer(UnavailableException reason) {
        if (state.getAndSet(State.ANSWERED) != State.ANSWERED) {
            respond(reason);
        }
    }

    /** Completes the request on the responder: the broker client's and the send threads must not write HTTP responses. */
    private void respond(UnavailableException reason) {
        cancelDeadlines.run();
        Runnable complete = reason == null ? () -> answer.complete(messageIds) : () -> answer.completeExceptionally(reason);
        try {
            responder.execute(complete);
        } catch (RejectedExecutionException stopping) {
            complete.run();
        }
    }
}
