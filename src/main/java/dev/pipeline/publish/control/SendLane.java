package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.publish.entity.Envelope;
import dev.pipeline.topics.entity.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Logger;

/**
 * One thread and one channel that store what waits in a queue, a transaction at a time. With
 * {@code groupLimit} above one, requests that arrived while the previous transaction was being
 * committed go to the broker together, in one transaction: the broker then journals and answers
 * once for all of them (group commit). Each request is answered by its transaction's outcome; a
 * request the deadline withdrew before the lane took it is skipped. The channel is used and closed
 * on this thread only.
 */
final class SendLane implements Runnable {

    private static final Logger LOG = Logger.getLogger(SendLane.class.getName());
    /** A transaction broken by a failover is sent again, with the same ids, at most this often in all. */
    static final int SENDS_PER_TRANSACTION = 3;

    private final BlockingQueue<Pending> queue;
    private final PublishChannels channels;
    private final int groupLimit;
    private final int groupBytes;
    private final Topic prepareFor;
    private final SendCounts counts;
    private volatile boolean running = true;
    private PublishChannel channel;

    /**
     * @param groupLimit the most requests stored in one transaction
     * @param groupBytes a group stops growing once its messages reach this size
     * @param prepareFor the topic to prepare for at start (its producers, its subscription), or null
     * @param counts      told of every send stored (a transaction, or a message alone)
     */
    SendLane(BlockingQueue<Pending> queue, PublishChannels channels, int groupLimit, int groupBytes, Topic prepareFor,
            SendCounts counts) {
        this.queue = queue;
        this.channels = channels;
        this.groupLimit = groupLimit;
        this.groupBytes = groupBytes;
        this.prepareFor = prepareFor;
        this.counts = counts;
    }

    @Override
    public void run() {
        try {
            prepare();
            while (running) {
                List<Pending> group;
                try {
                    group = nextGroup();
                } catch (InterruptedException stopping) {
                    return;
                }
                send(group);
            }
        } finally {
            dropChannel();
        }
    }

    /** Ends the loop after the transaction in progress; the owner interrupts the thread too, to end a wait for work. */
    void stop() {
        running = false;
    }

    private void prepare() {
        if (prepareFor == null) {
            return;
        }
        try {
            channel().prepare(prepareFor);
        } catch (SendFailure notYet) {
            LOG.fine(() -> "Preparing a send lane for " + prepareFor.name() + " failed: " + notYet.getMessage());
        }
    }

    private List<Pending> nextGroup() throws InterruptedException {
        List<Pending> group = new ArrayList<>();
        Pending first = queue.take();
        group.add(first);
        int bytes = first.bytes();
        while (group.size() < groupLimit && bytes < groupBytes) {
            Pending next = queue.peek();
            if (next == null || next.bytes() + bytes > groupBytes || !queue.remove(next)) {
                break;
            }
            group.add(next);
            bytes += next.bytes();
        }
        return group;
    }

    /**
     * Stores a group in one transaction. A duplicate id rolls it all back: then each request goes alone.
     * The channel is opened before the requests are handed over: while it connects they can still be
     * withdrawn at their deadline, and if it cannot, they are answered 503 having sent nothing.
     */
    void send(List<Pending> group) {
        Topic topic = group.get(0).topic();
        try {
            channel();
        } catch (SendFailure unreachable) {
            group.forEach(pending -> pending.publication().failed(reason(topic, unreachable)));
            return;
        }
        List<Pending> live = group.stream().filter(pending -> pending.publication().begin()).toList();
        if (live.isEmpty()) {
            return;
        }
        try {
            store(topic, live.stream().flatMap(pending -> pending.messages().stream()).toList(), live);
            live.forEach(pending -> pending.publication().stored());
        } catch (SendFailure failure) {
            if (failure.reason() == SendFailure.Reason.DUPLICATE && live.size() > 1) {
                live.forEach(this::sendAlone);
            } else if (failure.reason() == SendFailure.Reason.DUPLICATE) {
                sendAlone(live.get(0), failure);
            } else {
                UnavailableException reason = reason(topic, failure);
                live.forEach(pending -> pending.publication().failed(reason));
            }
        }
    }

    private void sendAlone(Pending pending) {
        try {
            store(pending.topic(), pending.messages(), List.of(pending));
            pending.publication().stored();
        } catch (SendFailure failure) {
            if (failure.reason() == SendFailure.Reason.DUPLICATE) {
                sendAlone(pending, failure);
            } else {
                pending.publication().failed(reason(pending.topic(), failure));
            }
        }
    }

    /**
     * A request whose transaction was refused for a duplicate id: a single message is stored already;
     * a batch's messages go one transaction each, so that only the new ones are stored, in order.
     */
    private void sendAlone(Pending pending, SendFailure duplicate) {
        if (pending.messages().size() > 1) {
            for (Envelope message : pending.messages()) {
                try {
                    store(pending.topic(), List.of(message), List.of(pending));
                } catch (SendFailure failure) {
                    if (failure.reason() != SendFailure.Reason.DUPLICATE) {
                        pending.publication().failed(reason(pending.topic(), failure));
                        return;
                    }
                }
            }
        }
        pending.publication().stored();
    }

    /**
     * One transaction, sent again with the same ids after a failover while one of its requests is within
     * its deadline (the others wait for the outcome as well). A duplicate of a resend counts as stored.
     */
    private void store(Topic topic, List<Envelope> messages, List<Pending> waiting) throws SendFailure {
        for (int sends = 1;; sends++) {
            PublishChannel current = channel();
            try {
                current.store(topic, messages);
                counts.stored(topic, messages.size());
                return;
            } catch (SendFailure failure) {
                if (failure.reason() == SendFailure.Reason.BROKEN) {
                    dropChannel();
                }
                boolean inTime = waiting.stream().anyMatch(pending -> pending.publication().mayResend());
                if (failure.reason() != SendFailure.Reason.FAILED_OVER || sends >= SENDS_PER_TRANSACTION || !inTime) {
                    throw failure;
                }
                LOG.info(() -> "Sending " + messages.size() + " message(s) to " + topic.name()
                        + " again with the same ids after a failover: " + failure.getMessage());
            }
        }
    }

    private static UnavailableException reason(Topic topic, SendFailure failure) {
        switch (failure.reason()) {
            case ADDRESS_FULL:
                return NotStored.addressFull(topic);
            case NO_SUBSCRIPTION:
                LOG.warning(() -> "Topic " + topic.name() + " has no subscription on the broker; answering 503 "
                        + "rather than let the broker drop messages");
                return NotStored.noSubscription(topic);
            case UNREACHABLE:
                return NotStored.brokerUnreachable();
            case FAILED_OVER:
                return NotStored.failedOver();
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
            channel.close();
            channel = null;
        }
    }
}
