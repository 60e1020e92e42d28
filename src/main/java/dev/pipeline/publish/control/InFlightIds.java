package dev.pipeline.publish.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messageIds being published right now, per topic. Artemis checks a transaction's duplicate ids
 * against the ids already committed, so two transactions in flight with the same id would both be
 * stored: a request's send therefore begins only once no other send of this service holds one of
 * its ids. Nobody waits for that: the claim is a stage that completes when the ids are free. Ids
 * are taken in sorted order, so two claims never wait on each other.
 */
final class InFlightIds {

    private final Map<String, CompletableFuture<Void>> publishing = new ConcurrentHashMap<>();

    /** Ids one send holds; {@link #close} frees them (only the first call counts). */
    final class Claim implements AutoCloseable {

        private final List<String> keys;
        private final List<String> held = new ArrayList<>();
        private final CompletableFuture<Void> released = new CompletableFuture<>();
        private final CompletableFuture<Claim> acquired = new CompletableFuture<>();

        private Claim(List<String> keys) {
            this.keys = keys;
        }

        @Override
        public void close() {
            synchronized (this) {
                held.forEach(key -> publishing.remove(key, released));
                held.clear();
            }
            released.complete(null);
        }

        /** From {@code from} on, one id after another; when one is held by another send, continues once that send is over. */
        private void acquireFrom(int from) {
            for (int i = from; i < keys.size(); i++) {
                CompletableFuture<Void> other = publishing.putIfAbsent(keys.get(i), released);
                if (other != null) {
                    int at = i;
                    other.whenComplete((done, never) -> acquireFrom(at));
                    return;
                }
                synchronized (this) {
                    held.add(keys.get(i));
                }
            }
            acquired.complete(this);
        }
    }

    /** Completes with the claim once this send holds every one of the ids. */
    CompletionStage<Claim> claim(String topic, List<String> messageIds) {
        TreeSet<String> keys = new TreeSet<>();
        messageIds.forEach(id -> keys.add(topic + '\u0000' + id));
        Claim claim = new Claim(List.copyOf(keys));
        claim.acquireFrom(0);
        return claim.acquired;
    }

    /** Ids held right now, for tests. */
    int size() {
        return publishing.size();
    }
}
