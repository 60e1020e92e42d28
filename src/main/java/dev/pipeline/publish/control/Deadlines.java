package dev.pipeline.publish.control;

/** Runs a task later unless cancelled; a test fires deadlines by hand. */
interface Deadlines {

    /** Runs {@code task} after {@code millis}; the returned action cancels it. */
    Runnable after(long millis, Runnable task);
}
