package dev.pipeline.problem;

/**
 * The bearer token was verified but its claims cannot be read as the contract reads them (an
 * {@code imsOrg} that is not a non-empty string, {@code groups} that are not names): the token is
 * refused as a whole. Raised in control, answered 401 by {@link InvalidTokenMapper}.
 */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String detail) {
        super(detail, null, false, false);
    }
}
