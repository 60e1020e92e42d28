package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread and one channel, storing whatever the topics in the ready queue have, a group at a
 * time: single messages that arrived while the previous send was on its way go together in one
 * transaction (group commit), a batch goes alone. Each request of the group gets the outcome the
 * broker gave, and every Throwable ends as an outcome (503), never as a lost thread: the group is
 * handed back to its queue whatever happens. The channel is used and closed on this thread only;
 * a failed session is replaced, the connection is the connection's exception listener's business.
 */
final class Sender implements Runnable {

    private static final Logger LOG = Logger.getLogger(Sender.class.getName());
    /** A transaction the broker rolled back in a failover is sent again, with the same ids, at most this often in all. */
    static final int SENDS_PER_TRANSACTION = 3;
    private static final UnavailableException BLOCKS = NotStored.addressBlocks();

    private final BlockingQueue<TopicQueue> ready;
    private final PublishChannels channels;
    private final SendCounts counts;
    private final int groupLimit;
    private final int groupBytes;
    private final long resendWithinNanos;
    private final LongSupplier clock;
    private volatile boolean running = true;
    private PublishChannel channel;
    /** The send under way and when it began, for {@link #abortIfStuck} on the expiry thread; null between sends. */
    private volatile Sending sending;
    /** Why the expiry thread aborted the send under way, or null. */
    private volatile UnavailableException abortedWith;
    /** Since when the expiry thread has seen the send under way wait for credits without a break; expiry thread only. */
    private long waitingForCreditsSince = -1;
    private Sending waitingSend;

    private record Sending(long since, PublishChannel channel) {
    }

    /**
     * @param groupLimit        the most requests stored in one transaction
     * @param groupBytes        a group stops growing before its messages pass this size
     * @param resendWithinNanos a rolled-back transaction is sent again only while one of its requests is this young
     */
    Sender(BlockingQueue<TopicQueue> ready, PublishChannels channels, SendCounts counts, int groupLimit, int groupBytes,
            long resendWithinNanos, LongSupplier clock) {
        this.ready = ready;
        this.channels = channels;
        this.counts = counts;
        this.groupLimit = groupLimit;
        this.groupBytes = groupBytes;
        this.resendWithinNanos = resendWithinNanos;
        this.clock = clock;
    }

    @Override
    public void run() {
        try {
            while (running) {
                TopicQueue queue;
                try {
                    queue = ready.poll(Senders.POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException stopping) {
                    return;
                }
                if (queue != null) {
                    sendFrom(queue);
                }
            }
        } finally {
            dropChannel();
        }
    }

    void stop() {
        running = false;
    }

    void sendFrom(TopicQueue queue) {
        List<Publication> group = queue.take(groupLimit, groupBytes);
        if (group == null) {
            return;
        }
        try {
            send(group);
        } catch (Throwable unexpected) {
            LOG.log(Level.WARNING, "Sending to " + queue.name() + " failed unexpectedly; the session is replaced", unexpected);
            dropChannel();
            group.forEach(publication -> publication.outcome = NotStored.outcomeUnknown());
        } finally {
            sending = null;
            UnavailableException aborted = abortedWith;
            if (aborted != null) {
                abortedWith = null;
                dropChannel();
            }
            queue.sent(group, aborted == BLOCKS);
        }
    }

    /**
     * Called on the expiry thread: ends a send that has waited for producer credits without a break
     * for longer than {@code creditWaitNanos} (an address full under BLOCK: a transaction larger than
     * the address can take would wait for good, and what it has sent keeps the address full), or that
     * has gone on longer than {@code guardNanos} (a broker that stopped answering). Its requests get
     * 503; a transaction is rolled back, so nothing of them is stored. A send that waits now and then
     * but goes on (an address its consumers drain) is left alone.
     */
    void abortIfStuck(long now, long creditWaitNanos, long guardNanos) {
        Sending current = sending;
        if (current == null || abortedWith != null) {
            waitingSend = null;
            return;
        }
        if (current != waitingSend || !current.channel().waitingForCredits()) {
            waitingSend = current.channel().waitingForCredits() ? current : null;
            waitingForCreditsSince = now;
        }
        boolean blocked = waitingSend == current && now - waitingForCreditsSince > creditWaitNanos;
        if (blocked || now - current.since() > guardNanos) {
            abortedWith = blocked ? BLOCKS : NotStored.notAnsweredInTime();
            if (sending == current) {
                LOG.fine(() -> "Aborting a send " + (blocked ? "waiting for producer credits" : "the broker has not answered"));
                // On a thread of its own: closing a session waits for the broker, and the expiry thread must not.
                Thread abort = new Thread(current.channel()::abort, Thread.currentThread().getName() + "-abort");
                abort.setDaemon(true);
                abort.start();
            }
        }
    }

    /**
     * Stores a group in one transaction; a duplicate id rolls it all back, then each request goes alone.
     * The channel is opened first: if the broker cannot be reached, nothing was sent.
     */
    private void send(List<Publication> group) {
        Topic topic = group.get(0).topic;
        try {
            channel();
        } catch (SendFailure unreachable) {
            group.forEach(publication -> publication.outcome = reason(topic, unreachable));
            return;
        }
        try {
            store(topic, group.stream().flatMap(publication -> publication.messages.stream()).toList(), group);
            group.forEach(publication -> publication.outcome = null);
        } catch (SendFailure failure) {
            if (failure.reason() == SendFailure.Reason.DUPLICATE && abortedWith == null) {
                group.forEach(this::sendAlone);
            } else {
                UnavailableException reason = reason(topic, failure);
                group.forEach(publication -> publication.outcome = reason);
            }
        }
    }

    /**
     * A request in a transaction refused for a duplicate id. Alone, a single message is a plain send,
     * which Artemis answers as stored for a known id. A batch refused again has messages stored
     * before (a retry of it, or ids used elsewhere), and Artemis does not say which: its messages go
     * one plain send each, in order, so that each is stored exactly once.
     */
    private void sendAlone(Publication publication) {
        try {
            if (publication.messages.size() == 1) {
                store(publication.topic, publication.messages, List.of(publication));
            } else {
                try {
                    store(publication.topic, publication.messages, List.of(publication));
                } catch (SendFailure failure) {
                        if (failure.reason() != SendFailure.Reason.DUPLICATE || abortedWith != null) {
                        throw failure;
                    }
                    for (Outgoing message : publication.messages) {
                        store(publication.topic, List.of(message), List.of(publication));
                    }
                }
            }
            publication.outcome = null;
        } catch (SendFailure failure) {
            publication.outcome = reason(publication.topic, failure);
        }
    }

    /**
     * One send, again with the same ids after the broker rolled it back in a failover while one of
     * its requests is young enough; an outcome the client cannot know is answered 503 instead (the
     * duplicate id makes the producer's retry safe).
     */
    private void store(Topic topic, List<Outgoing> messages, List<Publication> waiting) throws SendFailure {
        for (int sends = 1;; sends++) {
            try {
                PublishChannel current = channel();
                sending = new Sending(clock.getAsLong(), current);
                current.store(topic, messages);
                counts.stored(topic, messages.size());
                return;
            } catch (SendFailure failure) {
                afterFailure(failure);
                if (abortedWith != null) {
                    throw failure;
                }
                long now = clock.getAsLong();
                boolean young = waiting.stream().anyMatch(p -> !p.answered() && now - p.admittedAt < resendWithinNanos);
                if (failure.reason() != SendFailure.Reason.ROLLED_BACK || sends >= SENDS_PER_TRANSACTION || !young) {
                    throw failure;
                }
                LOG.info(() -> "Sending " + messages.size() + " message(s) to " + topic.name()
                        + " again with the same ids after the broker rolled them back: " + failure.getMessage());
            }
        }
    }

    /** A session whose state is unknown is not used again. */
    private void afterFailure(SendFailure failure) {
        if (failure.reason() == SendFailure.Reason.OUTCOME_UNKNOWN || failure.reason() == SendFailure.Reason.BROKEN) {
            dropChannel();
        }
    }

    private UnavailableException reason(Topic topic, SendFailure failure) {
        UnavailableException aborted = abortedWith;
        if (aborted != null) {
            return aborted;
        }
        switch (failure.reason()) {
            case ADDRESS_FULL:
                return NotStored.addressFull(topic);
            case NO_SUBSCRIPTION:
                LOG.warning(() -> "Topic " + topic.name() + " has no subscription on the broker; answering 503 "
                        + "rather than let the broker drop messages");
                return NotStored.noSubscription(topic);
            case UNREACHABLE:
                return NotStored.brokerUnreachable();
            case ROLLED_BACK:
                return NotStored.failedOver();
            case OUTCOME_UNKNOWN:
                LOG.info(() -> "The outcome of a send to " + topic.name() + " is unknown: " + failure.getMessage());
                return NotStored.outcomeUnknown();
            default:
                LOG.warning(() -> "Publishing to " + topic.name() + " failed: " + failure.getMessage());
                return NotStored.failed();
        }
    }

    private PublishChannel channel() throws SendFailure {
        if (channel != null && !channel.usable()) {
            dropChannel();
        }
        if (channel == null) {
            channel = channels.open();
        }
        return channel;
    }

    private void dropChannel() {
        if (channel != null) {
            PublishChannel closing = channel;
            channel = null;
            try {
                closing.close();
            } catch (RuntimeException e) {
                LOG.fine(() -> "Closing a channel failed: " + e);
            }
        }
    }
}
