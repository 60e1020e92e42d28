package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Every request of one topic not yet over, and the one place their state changes (under this
 * object's lock): queued, waiting for its ids, sending, answered, released. Any number of topics
 * share the {@link Senders}; a topic asks for at most {@code senderLimit} of them at once, so that
 * an address that blocks (a send waiting for producer credits holds its thread) pins only those.
 *
 * <p>Artemis checks a duplicate id against the ids already stored, and a transaction's ids are
 * recorded only at its commit: two sends of one id in flight at once could both be stored. A
 * request one of whose ids another request of this topic is sending therefore waits here until
 * that send is over, then follows it; it never holds a thread while it waits.
 */
final class TopicQueue {

    private final String name;
    private final int senderLimit;
    private final Consumer<TopicQueue> ready;
    private final Executor responder;
    private final ArrayDeque<Publication> queued = new ArrayDeque<>();
    private final List<Publication> waitingForIds = new ArrayList<>();
    private final Map<String, Publication> claimed = new HashMap<>();
    private final Set<Publication> sending = new LinkedHashSet<>();
    private int senders;
    /**
     * Whether the topic's last send was ended for waiting on producer credits: its address blocks. Until
     * a send of it goes through again, it gets one sender at a time, so that its own sends do not keep
     * its address full between them (Artemis counts an open transaction's messages towards the size).
     */
    private boolean blocking;
    /**
     * Requests (by their first messageId) whose send was ended for credits while it was the topic's only
     * send: most likely larger than the address can ever take. While the topic blocks, they go after
     * every other request, so that producers retrying them cannot starve the ones that fit.
     */
    private final Set<String> tooLarge = new LinkedHashSet<>();
    private static final int TOO_LARGE_REMEMBERED = 1_024;
    /** How often this queue is in the senders' ready queue now. */
    private int tickets;
    private boolean closed;

    /** @param ready puts this queue in the senders' ready queue once more */
    TopicQueue(String name, int senderLimit, Consumer<TopicQueue> ready, Executor responder) {
        this.name = name;
        this.senderLimit = senderLimit;
        this.ready = ready;
        this.responder = responder;
    }

    String name() {
        return name;
    }

    synchronized void submit(Publication publication) {
        if (closed) {
            finish(publication, NotStored.stopping());
            return;
        }
        if (publication.messageIds.stream().anyMatch(id -> claimed.containsKey(id) || awaited(id))) {
            waitingForIds.add(publication);
        } else {
            enqueue(publication);
        }
        schedule();
    }

    /**
     * For a sender: the next requests to store together (singles that waited meanwhile, up to the
     * limits, or one batch alone), now SENDING; null if there is nothing to send.
     */
    synchronized List<Publication> take(int groupLimit, int groupBytes) {
        tickets--;
        Publication first = blocking ? pollLikelyToFit() : queued.poll();
        if (first == null) {
            return null;
        }
        List<Publication> group = new ArrayList<>();
        group.add(first);
        int bytes = first.bytes;
        while (!first.isBatch() && group.size() < groupLimit) {
            Publication next = queued.peek();
            if (next == null || next.isBatch() || bytes + next.bytes > groupBytes) {
                break;
            }
            group.add(queued.poll());
            bytes += next.bytes;
        }
        sending.addAll(group);
        senders++;
        return group;
    }

    /**
     * The sender is done with the group: each request is answered by its outcome unless answered
     * already, then released. {@code waitedForCredits}: the send was ended for waiting on credits.
     */
    synchronized void sent(List<Publication> group, boolean waitedForCredits) {
        senders--;
        if (waitedForCredits && blocking && group.size() == 1) {
            tooLarge.add(group.get(0).messageIds.get(0));
            if (tooLarge.size() > TOO_LARGE_REMEMBERED) {
                tooLarge.remove(tooLarge.iterator().next());
            }
        }
        if (waitedForCredits) {
            blocking = true;
        } else if (group.stream().anyMatch(publication -> publication.outcome == null)) {
            blocking = false;
            group.forEach(publication -> tooLarge.remove(publication.messageIds.get(0)));
        }
        for (Publication publication : group) {
            sending.remove(publication);
            finish(publication, publication.outcome);
        }
        promoteWaiting();
        schedule();
    }

    /**
     * Withdraws what no sender took within {@code deadlineNanos} (503, never sent), and answers what
     * the broker has held past {@code answerNanos} (503; its ids and bytes stay held until the send ends).
     */
    synchronized void expire(long now, long deadlineNanos, long answerNanos) {
        expire(waitingForIds.iterator(), now, deadlineNanos);
        expire(queued.iterator(), now, deadlineNanos);
        for (Publication publication : sending) {
            if (now - publication.admittedAt > answerNanos) {
                publication.answer(NotStored.notAnsweredInTime(), responder);
            }
        }
        promoteWaiting();
    }

    /** Answers everything not yet with a sender; what is being sent is answered when its send ends. */
    synchronized void close() {
        closed = true;
        for (Publication publication : waitingForIds) {
            finish(publication, NotStored.stopping());
        }
        waitingForIds.clear();
        for (Publication publication = queued.poll(); publication != null; publication = queued.poll()) {
            finish(publication, NotStored.stopping());
        }
    }


    /** Requests of this topic not yet over, for tests. */
    synchronized int size() {
        return queued.size() + waitingForIds.size() + sending.size();
    }



    /** The first queued request not known to be too large for the address, else the first. */
    private Publication pollLikelyToFit() {
        for (Iterator<Publication> candidates = queued.iterator(); candidates.hasNext();) {
            Publication candidate = candidates.next();
            if (!tooLarge.contains(candidate.messageIds.get(0))) {
                candidates.remove();
                return candidate;
            }
        }
        return queued.poll();
    }

    private void expire(Iterator<Publication> publications, long now, long deadlineNanos) {
        while (publications.hasNext()) {
            Publication publication = publications.next();
            if (now - publication.admittedAt > deadlineNanos) {
                publications.remove();
                finish(publication, NotStored.notSentInTime());
            }
        }
    }

    private void enqueue(Publication publication) {
        publication.messageIds.forEach(id -> claimed.put(id, publication));
        queued.add(publication);
    }

    /** Frees the ids it holds and its bytes, then answers unless answered: a producer's next request finds them free. */
    private void finish(Publication publication, UnavailableException outcome) {
        publication.messageIds.forEach(id -> claimed.remove(id, publication));
        publication.release();
        publication.answer(outcome, responder);
    }

    private boolean awaited(String id) {
        for (Publication waiting : waitingForIds) {
            if (waiting.messageIds.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** Requests whose ids are free now go to the queue, in the order they came. */
    private void promoteWaiting() {
        if (waitingForIds.isEmpty()) {
            return;
        }
        Set<String> stillAwaited = new HashSet<>();
        Iterator<Publication> waiting = waitingForIds.iterator();
        while (waiting.hasNext()) {
            Publication publication = waiting.next();
            boolean free = publication.messageIds.stream().noneMatch(id -> claimed.containsKey(id) || stillAwaited.contains(id));
            if (free) {
                waiting.remove();
                enqueue(publication);
            } else {
                stillAwaited.addAll(publication.messageIds);
            }
        }
    }

    /** Asks for as many senders as there is work, within the topic's share. */
    private void schedule() {
        int limit = blocking ? 1 : senderLimit;
        while (tickets < queued.size() && senders + tickets < limit) {
            tickets++;
            ready.accept(this);
        }
    }
}
