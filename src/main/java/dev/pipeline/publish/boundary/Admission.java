package dev.pipeline.publish.boundary;

/**
 * The bytes one request holds in memory, counted against the bounds of bytes not yet answered. Past
 * a bound, {@link #take} answers 503 at once and the request holds nothing any more.
 */
public interface Admission extends AutoCloseable {

    /** Counts {@code bytes} more; throws {@link dev.pipeline.problem.UnavailableException} past a bound. */
    void take(long bytes);

    /** Gives every byte back; only the first call counts. */
    @Override
    void close();
}
