package dev.pipeline.publish.boundary;

import dev.pipeline.publish.entity.Outgoing;
import java.util.List;

/**
 * The heap one request holds, counted against the bounds of bytes not yet answered. What is counted
 * is an estimate of the heap, not the body's size: reading a body holds it several times over (the
 * buffers it is read into, the JSON tree parsed from it), a message being sent holds its text and the
 * broker client's UTF-16 copy of it. Past a bound, 503 at once, and the request holds nothing any more.
 */
public interface Admission extends AutoCloseable {

    /**
     * Counts a body of {@code bytes} whole before any of it is read (its Content-Length), so that under
     * pressure a request is refused at once rather than after half its body: many requests each
     * half-read would hold the bound between them and none would finish. 503 past a bound.
     */
    void expect(long bytes);

    /** Counts {@code bytes} more of the decoded body as it is read, beyond what was expected; 503 past a bound. */
    void read(long bytes);

    /** From now on the request holds only its encoded messages (the body is garbage); 503 past a bound. */
    void hold(List<Outgoing> messages);

    /** Gives every byte back; only the first call counts. */
    @Override
    void close();
}
