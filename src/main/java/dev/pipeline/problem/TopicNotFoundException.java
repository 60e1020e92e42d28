package dev.pipeline.problem;

/**
 * The topic does not exist, or the token may not produce to it: the same answer either way, so that
 * topics cannot be enumerated. Raised in control, answered 404 by {@link TopicNotFoundMapper}.
 */
public class TopicNotFoundException extends RuntimeException {

    public TopicNotFoundException() {
        super("topic does not exist or is not accessible with this token", null, false, false);
    }
}
