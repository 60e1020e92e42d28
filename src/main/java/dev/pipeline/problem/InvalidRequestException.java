package dev.pipeline.problem;

/**
 * The request is wrong and retrying it unchanged will not help; the message names the field or
 * limit. Raised in control, answered 400 by {@link InvalidRequestMapper}.
 */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String detail) {
        super(detail, null, false, false);
    }
}
