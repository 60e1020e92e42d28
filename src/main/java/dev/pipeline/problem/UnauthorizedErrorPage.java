package dev.pipeline.problem;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The 401 that Payara's MP-JWT mechanism sends itself, before JAX-RS runs, for a token it cannot
 * verify (garbage, bad signature, expired, wrong issuer). Registered as the 401 error page in
 * web.xml so that those answers carry the same problem body and challenge as every other 401.
 */
@WebServlet(UnauthorizedErrorPage.PATH)
public class UnauthorizedErrorPage extends HttpServlet {

    static final String PATH = "/problem/unauthorized";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, Problem.BEARER_CHALLENGE + ", error=\"invalid_token\"");
        response.setContentType(MediaType.APPLICATION_JSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(ProblemMapper.body(Status.UNAUTHORIZED,
                "the bearer token is not valid: it must be a JWT signed with the configured key (RS256), "
                        + "from the configured issuer, and not expired"));
    }
}
