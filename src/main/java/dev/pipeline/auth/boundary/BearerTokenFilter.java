package dev.pipeline.auth.boundary;

import dev.pipeline.auth.control.BearerTokens;
import dev.pipeline.auth.control.TokenHeader;
import dev.pipeline.problem.Problem;
import dev.pipeline.problem.ProblemMapper;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * MicroProfile JWT authentication as Payara's mechanism does it, as the first step of every JAX-RS
 * request: the token is taken from the header {@code mp.jwt.token.header} names ({@link TokenHeader}),
 * a valid one becomes the request's caller (the {@link JsonWebToken} Payara's identity store made),
 * an invalid one is answered 401 with the Bearer challenge at once, and a request without one goes
 * on without a caller. It replaces {@code @LoginConfig(authMethod = "MP-JWT")}, whose mechanism runs
 * through JASPIC and Soteria and looks beans up per request: profiles put that at a quarter of
 * Payara's CPU on single-message requests (bench/RESULTS.md). Payara's own endpoints
 * ({@code /openapi}, {@code /health}, {@code /metrics}) are not JAX-RS resources of this application
 * and stay as they were.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

    private static final ProblemMapper PROBLEMS = new ProblemMapper();

    @Inject
    BearerTokens tokens;

    @Inject
    TokenHeader header;

    @Override
    public void filter(ContainerRequestContext request) {
        String token = header.token(request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getHeaderString(HttpHeaders.COOKIE));
        if (token == null) {
            return;
        }
        Optional<JsonWebToken> caller = tokens.verify(token);
        if (caller.isEmpty()) {
            request.abortWith(PROBLEMS.toResponse(Problem.invalidToken()));
            return;
        }
        request.setSecurityContext(new Caller(caller.get(), request.getSecurityContext().isSecure()));
    }

    /** The verified token as the request's principal; its groups are its roles, as MP-JWT maps them. */
    private record Caller(JsonWebToken token, boolean secure) implements SecurityContext {

        @Override
        public Principal getUserPrincipal() {
            return token;
        }

        @Override
        public boolean isUserInRole(String role) {
            return token.getGroups() != null && token.getGroups().contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "MP-JWT";
        }
    }
}
