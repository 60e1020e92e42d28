package dev.pipeline.auth.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Bearer tokens whose signature and claims were verified, with what the verification found, so
 * that a producer sending many requests with one token is not verified again for each. Sound by
 * construction: keyed by the whole token (any other byte is another key), never answered past the
 * token's {@code exp} nor longer than {@code maxAgeMillis} after the verification (so that a
 * changed key or issuer takes effect within that time), and bounded: when full, expired entries are
 * dropped and new tokens are simply verified every time until there is room.
 *
 * @param <V> what a verification found
 */
public final class VerifiedTokens<V> {

    private static final long PURGE_INTERVAL_MILLIS = 1_000;

    private record Entry<V>(V value, long validUntilMillis) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final int capacity;
    private final long maxAgeMillis;
    private final LongSupplier clockMillis;
    private volatile long lastPurgeMillis;

    public VerifiedTokens(int capacity, long maxAgeMillis, LongSupplier clockMillis) {
        this.capacity = capacity;
        this.maxAgeMillis = maxAgeMillis;
        this.clockMillis = clockMillis;
    }

    /** What the verification of exactly this token found, or null if it is not (or no longer) known. */
    public V get(String token) {
        Entry<V> entry = entries.get(token);
        if (entry == null) {
            return null;
        }
        if (clockMillis.getAsLong() >= entry.validUntilMillis()) {
            entries.remove(token, entry);
            return null;
        }
        return entry.value();
    }

    /** Remembers a verified token until its {@code exp} (epoch seconds, as in the token) or the maximum age. */
    public void put(String token, long expiresAtEpochSeconds, V value) {
        long now = clockMillis.getAsLong();
        long validUntil = Math.min(TimeUnit.SECONDS.toMillis(expiresAtEpochSeconds), now + maxAgeMillis);
        if (validUntil <= now) {
            return;
        }
        if (entries.size() >= capacity && !entries.containsKey(token)) {
            purgeExpired(now);
            if (entries.size() >= capacity) {
                return;
            }
        }
        entries.put(token, new Entry<>(value, validUntil));
    }

    /** Forgets every token, for when a key they may have been verified with is gone. */
    public void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    /** At most once a second, however many requests find the cache full. */
    private void purgeExpired(long now) {
        if (now - lastPurgeMillis < PURGE_INTERVAL_MILLIS) {
            return;
        }
        lastPurgeMillis = now;
        entries.values().removeIf(entry -> now >= entry.validUntilMillis());
    }
}
