package dev.pipeline.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.Response;

/**
 * A request that cannot be served, with the status and the sentence the producer gets back
 * as an RFC 9457 problem body. {@link ProblemMapper} turns it into the response.
 */
public class Problem extends WebApplicationException {

    static final String BEARER_CHALLENGE = "Bearer realm=\"pipeline\"";
    static final String INVALID_TOKEN_CHALLENGE = BEARER_CHALLENGE + ", error=\"invalid_token\"";
    static final String INVALID_TOKEN_DETAIL = "the bearer token is not valid: it must be a JWT signed with the configured key "
            + "(RS256), from the configured issuer, and not expired";

    private final String detail;

    private Problem(Response.ResponseBuilder response, String detail) {
        super(detail, response.build());
        this.detail = detail;
    }

    public static Problem badRequest(String detail) {
        return new Problem(Response.status(Status.BAD_REQUEST), detail);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(Response.status(Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE), detail);
    }

    /** A bearer token that failed verification (signature, issuer, expiry, form). */
    public static Problem invalidToken() {
        return new Problem(Response.status(Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, INVALID_TOKEN_CHALLENGE), INVALID_TOKEN_DETAIL);
    }

    /** The same answer for a topic that does not exist and one the token may not use. */
    public static Problem topicNotFound() {
        return new Problem(Response.status(Status.NOT_FOUND),
                "topic does not exist or is not accessible with this token");
    }

    public static Problem unavailable(String detail, int retryAfterSeconds) {
        return new Problem(Response.status(Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds), detail);
    }

    public String detail() {
        return detail;
    }
}
