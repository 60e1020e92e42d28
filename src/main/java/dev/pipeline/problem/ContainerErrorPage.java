package dev.pipeline.problem;

import jakarta.servlet.RequestDispatcher;
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
 * Errors the container answers before JAX-RS and {@link ProblemMapper} run (a 401 among them
 * answered as {@link Problem#invalidToken()} is, should the container refuse a token itself).
 * Registered as the error page in web.xml, so those answers carry the same problem body, and the
 * 401 the same Bearer challenge, as every other error.
 */
@WebServlet(ContainerErrorPage.PATH)
public class ContainerErrorPage extends HttpServlet {

    static final String PATH = "/problem/container-error";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        Status.Family family = Status.Family.familyOf(status);
        String detail;
        if (status == HttpServletResponse.SC_UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, Problem.INVALID_TOKEN_CHALLENGE);
            detail = Problem.INVALID_TOKEN_DETAIL;
        } else if (family == Status.Family.CLIENT_ERROR) {
            detail = "the request is not well formed for this endpoint";
        } else {
            detail = "internal error; the request may be retried";
        }
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        Status known = Status.fromStatusCode(status);
        response.getWriter().write(ProblemMapper.body(status, known == null ? "Error" : known.getReasonPhrase(), detail));
    }
}
