package dev.pipeline.publish.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Channels to a broker in memory that behaves like Artemis where the send path depends on it: a
 * transaction's ids are checked as its messages are sent and recorded only at its commit, so two
 * transactions of one id in flight at once both store it; a transaction holding a stored id is
 * refused whole; a plain send of a stored id is dropped silently and answered as stored; a send to
 * an address whose producers have no credits (BLOCK) waits for good, and a thread interrupted in
 * that wait gets an unchecked exception, as from the Artemis client. A test can hold each send
 * until it releases it, script failures, and see which thread used and closed each channel.
 */
final class FakeBroker implements PublishChannels {

    /** One call of {@link PublishChannel#store}, as it began. */
    static final class Commit {
        final String topic;
        final List<String> ids;
        final String thread = Thread.currentThread().getName();
        private final CompletableFuture<Void> release = new CompletableFuture<>();

        Commit(String topic, List<String> ids) {
            this.topic = topic;
            this.ids = ids;
        }

        void release() {
            release.complete(null);
        }
    }

    /** What the Artemis client throws from a blocking call whose thread is interrupted. */
    static final class InterruptedInClient extends RuntimeException {
        InterruptedInClient(InterruptedException cause) {
            super(cause);
        }
    }

    final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    final List<FakeChannel> opened = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<Commit> commits = new LinkedBlockingQueue<>();
    private final Deque<SendFailure.Reason> failBeforeStoring = new ConcurrentLinkedDeque<>();
    private final Deque<SendFailure.Reason> failAfterStoring = new ConcurrentLinkedDeque<>();
    private final Deque<RuntimeException> throwNext = new ConcurrentLinkedDeque<>();
    /** Addresses whose producers wait for credits until {@link #unblock}. */
    private final Set<String> blocked = ConcurrentHashMap.newKeySet();
    private final Object credits = new Object();
    /** Sends waiting for credits now; guarded by {@link #credits}. */
    private int waitingForCredits;
    volatile boolean holdCommits;
    volatile boolean unreachable;
    volatile boolean interrupted;

    void failNext(SendFailure.Reason... reasons) {
        failBeforeStoring.addAll(List.of(reasons));
    }

    /** The next send stores its messages and then fails: an outcome the client cannot know. */
    void failNextAfterStoring(SendFailure.Reason reason) {
        failAfterStoring.add(reason);
    }

    /** The next send throws this, as the client's unchecked exceptions and errors do. */
    void throwNext(RuntimeException unexpected) {
        throwNext.add(unexpected);
    }

    /** Full under the BLOCK policy: sends to the topic wait, holding their threads. */
    void block(String topic) {
        blocked.add(topic);
    }

    void unblock(String topic) {
        synchronized (credits) {
            blocked.remove(topic);
            credits.notifyAll();
        }
    }

    /** Waits (10 s at most) until {@code sends} sends wait for credits. */
    void awaitSendsWaitingForCredits(int sends) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (credits) {
            while (waitingForCredits < sends) {
                long left = deadline - System.nanoTime();
                assertTrue(left > 0, sends + " sends wait for credits");
                TimeUnit.NANOSECONDS.timedWait(credits, left);
            }
        }
    }

    Commit nextCommit() throws InterruptedException {
        Commit commit = commits.poll(10, TimeUnit.SECONDS);
        assertNotNull(commit, "a send began");
        return commit;
    }

    /** How many sends to the topic have begun so far. */
    int sendsBegunTo(String topic) {
        return (int) commits.stream().filter(commit -> commit.topic.equals(topic)).count();
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
        volatile String closedBy;
        volatile boolean closedWhileInUse;
        volatile boolean waitingForCredits;
        volatile boolean aborted;
        private volatile Commit current;

        @Override
        public void store(Topic topic, List<Outgoing> messages) throws SendFailure {
            inUse = true;
            try {
                if (closedBy != null) {
                    throw new SendFailure(SendFailure.Reason.BROKEN, "closed", null);
                }
                List<String> ids = messages.stream().map(Outgoing::messageId).toList();
                Commit commit = new Commit(topic.name(), ids);
                boolean hold = holdCommits;
                current = commit;
                commits.add(commit);
                awaitCredits(topic.name());
                RuntimeException unexpected = throwNext.poll();
                if (unexpected != null) {
                    throw unexpected;
                }
                boolean transacted = ids.size() > 1;
                boolean duplicate = ids.stream().anyMatch(stored::contains);
                if (hold) {
                    awaitRelease(commit);
                }
                if (aborted) {
                    throw new SendFailure(SendFailure.Reason.BROKEN, "session closed", null);
                }
                SendFailure.Reason before = failBeforeStoring.poll();
                if (before != null) {
                    throw new SendFailure(before, "scripted", null);
                }
                if (transacted && duplicate) {
                    throw new SendFailure(SendFailure.Reason.DUPLICATE, "duplicate id", null);
                }
                if (transacted || !stored.contains(ids.get(0))) {
                    stored.addAll(ids);
                }
                SendFailure.Reason after = failAfterStoring.poll();
                if (after != null) {
                    throw new SendFailure(after, "scripted after storing", null);
                }
            } finally {
                inUse = false;
            }
        }

        /**
         * Waits, as Artemis's producer does, without a break until the address takes messages again or
         * the session is aborted: a wake-up meant for another send does not end this one's wait.
         */
        private void awaitCredits(String topic) throws SendFailure {
            synchronized (credits) {
                if (blocked.contains(topic) && !aborted) {
                    FakeBroker.this.waitingForCredits++;
                    waitingForCredits = true;
                    credits.notifyAll();
                    try {
                        while (blocked.contains(topic) && !aborted) {
                            credits.wait();
                        }
                    } catch (InterruptedException e) {
                        interrupted = true;
                        throw new InterruptedInClient(e);
                    } finally {
                        waitingForCredits = false;
                        FakeBroker.this.waitingForCredits--;
                    }
                }
            }
            if (aborted) {
                throw new SendFailure(SendFailure.Reason.BROKEN, "session closed", null);
            }
        }

        private void awaitRelease(Commit commit) throws SendFailure {
            try {
                commit.release.get();
            } catch (InterruptedException e) {
                interrupted = true;
                throw new InterruptedInClient(e);
            } catch (ExecutionException closed) {
                throw new SendFailure(SendFailure.Reason.BROKEN, "session closed", closed);
            }
        }

        @Override
        public boolean waitingForCredits() {
            return waitingForCredits;
        }

        /** As closing a session from another thread: a send waiting for credits or an answer fails. */
        @Override
        public void abort() {
            aborted = true;
            closedBy = Thread.currentThread().getName();
            synchronized (credits) {
                credits.notifyAll();
            }
            Commit waiting = current;
            if (waiting != null) {
                waiting.release.completeExceptionally(new IllegalStateException("session closed"));
            }
        }

        @Override
        public boolean usable() {
            return true;
        }

        @Override
        public void close() {
            closedWhileInUse |= inUse;
            closedBy = Thread.currentThread().getName();
        }
    }
}
