package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.publish.boundary.Admission;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One request's messages from admission to answer. Where it stands (waiting for its ids, queued,
 * sending) is which of its {@link TopicQueue}'s collections holds it, changed only under that queue's
 * lock: answered once, and its ids and bytes given back once, when nothing of it is on its way to
 * the broker any more. The sender that stores it only reads its messages and records the outcome.
 */
final class Publication {


    final Topic topic;
    final List<Outgoing> messages;
    final List<String> messageIds;
    final long admittedAt;
    final int bytes;
    private final Admission admission;
    private final CompletableFuture<List<String>> answer = new CompletableFuture<>();
    private volatile boolean answered;
    /** Set by the sender before it hands the publication back: null once stored. */
    volatile UnavailableException outcome;

    Publication(Topic topic, List<Outgoing> messages, Admission admission, long admittedAt) {
        this.topic = topic;
        this.messages = messages;
        this.messageIds = messages.stream().map(Outgoing::messageId).toList();
        this.admission = admission;
        this.admittedAt = admittedAt;
        this.bytes = messages.stream().mapToInt(Outgoing::size).sum();
    }

    CompletableFuture<List<String>> answer() {
        return answer;
    }

    boolean isBatch() {
        return messages.size() > 1;
    }

    boolean answered() {
        return answered;
    }

    /** Completes the request on the responder: sender threads must not write HTTP responses. */
    void answer(UnavailableException reason, Executor responder) {
        if (answered) {
            return;
        }
        answered = true;
        Runnable complete = reason == null ? () -> answer.complete(messageIds) : () -> answer.completeExceptionally(reason);
        try {
            responder.execute(complete);
        } catch (RejectedExecutionException stopping) {
            complete.run();
        }
    }

    /** Nothing of it is in memory for the broker any more. */
    void release() {
        admission.close();
    }
}
