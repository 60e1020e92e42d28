package dev.pipeline.publish.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.pipeline.publish.entity.Envelope;
import dev.pipeline.topics.entity.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Channels to a broker in memory that stores ids like Artemis' duplicate detection: a transaction
 * holding an id it has already is refused whole. A test can hold every commit until it releases
 * it, script failures, and see which thread used and closed each channel.
 */
final class FakeBroker implements PublishChannels {

    /** One call of {@link PublishChannel#store}, as it began. */
    static final class Commit {
        final List<String> ids;
        final String thread = Thread.currentThread().getName();
        private final CompletableFuture<Void> release = new CompletableFuture<>();

        Commit(List<String> ids) {
            this.ids = ids;
        }

        void release() {
            release.complete(null);
        }
    }

    final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    final List<FakeChannel> opened = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<Commit> commits = new LinkedBlockingQueue<>();
    private final Deque<SendFailure.Reason> failBeforeStoring = new ConcurrentLinkedDeque<>();
    private final Deque<SendFailure.Reason> failAfterStoring = new ConcurrentLinkedDeque<>();
    volatile boolean holdCommits;
    volatile boolean unreachable;
    volatile CountDownLatch prepareGate = new CountDownLatch(0);

    void failNext(SendFailure.Reason... reasons) {
        failBeforeStoring.addAll(List.of(reasons));
    }

    /** The next commit stores its messages and then fails: an outcome the client cannot know. */
    void failNextAfterStoring(SendFailure.Reason reason) {
        failAfterStoring.add(reason);
    }

    Commit nextCommit() throws InterruptedException {
        Commit commit = commits.poll(10, TimeUnit.SECONDS);
        assertNotNull(commit, "a commit began");
        return commit;
    }

    boolean hasMoreCommits() {
        return !commits.isEmpty();
    }

    @Override
    public PublishChannel open() throws SendFailure {
        if (unreachable) {
            throw new SendFailure(SendFailure.Reason.UNREACHABLE, "not connected", null);
        }
        FakeChannel channel = new FakeChannel();
        opened.add(channel);
        return channel;
    }

    final class FakeChannel implements PublishChannel {
        volatile boolean inUse;
        volatile boolean usable = true;
        volatile String closedBy;
        volatile boolean closedWhileInUse;

        @Override
        public void store(Topic topic, List<Envelope> messages) throws SendFailure {
            inUse = true;
            try {
                if (closedBy != null) {
                    throw new SendFailure(SendFailure.Reason.BROKEN, "closed", null);
                }
                Commit commit = new Commit(messages.stream().map(envelope -> envelope.message().getMessageId()).toList());
                commits.add(commit);
                if (holdCommits) {
                    try {
                        commit.release.get();
                    } catch (InterruptedException | ExecutionException e) {
                        throw new SendFailure(SendFailure.Reason.BROKEN, "interrupted", e);
                    }
                }
                SendFailure.Reason before = failBeforeStoring.poll();
                if (before != null) {
                    throw new SendFailure(before, "scripted", null);
                }
                synchronized (stored) {
                    if (commit.ids.stream().anyMatch(stored::contains)) {
                        throw new SendFailure(SendFailure.Reason.DUPLICATE, "duplicate id", null);
                    }
                    stored.addAll(commit.ids);
                }
                SendFailure.Reason after = failAfterStoring.poll();
                if (after != null) {
                    throw new SendFailure(after, "scripted after storing", null);
                }
            } finally {
                inUse = false;
            }
        }

        @Override
        public void prepare(Topic topic) {
            try {
                prepareGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean usable() {
            return usable;
        }

        @Override
        public void close() {
            closedWhileInUse |= inUse;
            closedBy = Thread.currentThread().getName();
        }
    }
}
