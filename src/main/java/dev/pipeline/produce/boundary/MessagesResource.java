package dev.pipeline.produce.boundary;

import dev.pipeline.configuration.control.RequiredConfiguration;
import dev.pipeline.problem.Problem;
import dev.pipeline.produce.control.BodyLimits;
import dev.pipeline.produce.control.CountingInputStream;
import dev.pipeline.produce.control.MessageValidator;
import dev.pipeline.produce.control.OutgoingMessages;
import dev.pipeline.produce.control.ProducerClaims;
import dev.pipeline.produce.control.ProducerPolicy;
import dev.pipeline.produce.control.RequestBodyReader;
import dev.pipeline.produce.control.SchemaValidation;
import dev.pipeline.produce.control.TraceContext;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.produce.entity.Producer;
import dev.pipeline.publish.boundary.Admission;
import dev.pipeline.publish.boundary.MessagePublisher;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /topics/{topicName}/messages}: authenticate, authorize, read, publish, answer the ids.
 * The HTTP thread is free once the messages are handed to the publisher; the answer is written
 * when the broker confirms.
 */
@ApplicationScoped
@Path("topics")
public class MessagesResource {

    /** Configuration is read at start, so only a restart fixes a missing key: no point retrying soon. */
    static final int NOT_CONFIGURED_RETRY_AFTER_SECONDS = 30;

    /** Created once: each static {@code Json.create...} call looks the JSON-P provider up again on the class path. */
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Inject
    RequiredConfiguration configuration;

    @Inject
    TopicCatalogue catalogue;

    @Inject
    MessagePublisher publisher;

    @POST
    @Path("{topicName}/messages")
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> produce(@PathParam("topicName") String topicName,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
            @HeaderParam(TraceContext.HEADER) String traceparent,
            @Context SecurityContext security,
            @Context ContainerRequestContext context,
            InputStream body) {
        Instant receivedAt = Instant.now();
        if (!configuration.isComplete()) {
            throw Problem.unavailable("the service is not configured yet; its operator has been told what is missing",
                    NOT_CONFIGURED_RETRY_AFTER_SECONDS);
        }
        // The caller principal MP-JWT put in the security context, rather than an injected JsonWebToken:
        // Payara produces that bean anew for each request, at a cost profiles showed.
        Producer producer = ProducerClaims.producer(security.getUserPrincipal());
        Topic topic = ProducerPolicy.topic(catalogue, topicName, producer);
        Admission admission = publisher.admit(topic);
        expectBody(admission, contentLength, contentEncoding);
        CountingInputStream counted = new CountingInputStream(body);
        List<Outgoing> outgoing = null;
        try {
            ProduceRequest request;
            try {
                request = RequestBodyReader.read(contentType, contentEncoding, counted, admission::read);
            } finally {
                context.setProperty(ProduceMetrics.BYTES, counted.count());
            }
            List<Message> messages = SchemaValidation.validated(topic, ProducerPolicy.withImsOrg(
                    MessageValidator.validated(request, receivedAt), producer, request.batch()));
            context.setProperty(ProduceMetrics.MESSAGES, messages.size());
            outgoing = OutgoingMessages.of(request.format(), messages, TraceContext.valid(traceparent).orElse(null));
            admission.hold(outgoing);
        } finally {
            if (outgoing == null) {
                admission.close();
            }
        }
        CompletableFuture<Response> answer = new CompletableFuture<>();
        publisher.publish(topic, admission, outgoing)
                .whenComplete((ids, failure) -> {
                    if (failure == null) {
                        answer.complete(Response.ok(messageIds(ids)).build());
                    } else {
                        answer.completeExceptionally(failure instanceof CompletionException wrapped ? wrapped.getCause() : failure);
                    }
                });
        return answer;
    }

    /**
     * A body whose size is known (Content-Length, not compressed) is counted whole before it is read;
     * one sent in chunks or compressed is counted as it is read.
     */
    private static void expectBody(Admission admission, String contentLength, String contentEncoding) {
        if (contentLength == null || (contentEncoding != null && !contentEncoding.isBlank()
                && !contentEncoding.trim().equalsIgnoreCase("identity"))) {
            return;
        }
        try {
            admission.expect(Math.max(0, Math.min(Long.parseLong(contentLength.trim()), BodyLimits.BATCH_BYTES + 1L)));
        } catch (NumberFormatException notANumber) {
            // The container answers a malformed Content-Length itself; the body is then counted as it is read.
        }
    }

    private static String messageIds(List<String> stored) {
        JsonArrayBuilder ids = JSON.createArrayBuilder();
        stored.forEach(ids::add);
        return JSON.createObjectBuilder().add("messageIds", ids).build().toString();
    }
}
