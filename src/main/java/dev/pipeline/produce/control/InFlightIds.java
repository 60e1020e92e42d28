package dev.pipeline.produce.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The messageIds being published right now, per topic. Artemis checks a transaction's duplicate
 * ids against the ids already committed, so two concurrent transactions carrying the same id would
 * both be stored; a request therefore waits until no other request of this service is publishing
 * one of its ids. Ids are taken in sorted order, so two requests never wait on each other.
 */
final class InFlightIds {

    private final Map<String, CompletableFuture<Void>> publishing = new ConcurrentHashMap<>();

    /** Ids this request holds; release them when its publishing is over, however it ended. */
    final class Claim implements AutoCloseable {

        private final List<String> keys = new ArrayList<>();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void close() {
            keys.forEach(key -> publishing.remove(key, done));
            done.complete(null);
        }
    }

    /** Claims every id, waiting at most {@code waitMillis} in all for requests publishing the same ids. */
    Claim claim(String topic, List<String> messageIds, long waitMillis) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Claim claim = new Claim();
        try {
            for (String key : new TreeSet<>(keys(topic, messageIds))) {
                CompletableFuture<Void> other;
                while ((other = publishing.putIfAbsent(key, claim.done)) != null) {
                    other.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
                claim.keys.add(key);
            }
            return claim;
        } catch (ExecutionException e) {
            claim.close();
            throw new IllegalStateException("a claim never completes exceptionally", e);
        } catch (InterruptedException | TimeoutException e) {
            claim.close();
            throw e;
        }
    }

    private static List<String> keys(String topic, List<String> messageIds) {
        return messageIds.stream().map(id -> topic + '\u0000' + id).toList();
    }
}
