package dev.pipeline.problem;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * Every HTTP error of the service, ours ({@link Problem}) and the JAX-RS runtime's (unknown path,
 * wrong method), answered with the same JSON body: {@code type}, {@code title}, {@code status},
 * {@code detail}. Headers the error carries (Retry-After, WWW-Authenticate) are kept.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<WebApplicationException> {

    /** Created once: each static {@code Json.create...} call looks the JSON-P provider up again on the class path. */
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response original = exception.getResponse();
        String detail = exception instanceof Problem problem ? problem.detail() : original.getStatusInfo().getReasonPhrase();
        Response.ResponseBuilder response = Response.status(original.getStatus())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(original.getStatus(), original.getStatusInfo().getReasonPhrase(), detail));
        original.getStringHeaders().forEach((name, values) -> values.forEach(value -> response.header(name, value)));
        return response.build();
    }

    public static String body(int status, String title, String detail) {
        return JSON.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail)
                .build()
                .toString();
    }
}
