package dev.pipeline.produce.boundary;

import dev.pipeline.produce.control.FailedRequestLog;
import dev.pipeline.topics.control.TopicCatalogue;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Counts every produce request by topic and outcome (2xx, 4xx, 5xx): requests, messages stored,
 * request bytes, and latency (as a summary and as histogram buckets); and logs each failed request with its topic, status and reason (a
 * bounded number of lines a minute: {@link FailedRequestLog}).
 * Topics outside the catalogue are counted as {@code unknown}, so that random names cannot grow
 * the metrics without bound.
 */
@Provider
@ApplicationScoped
public class ProduceMetrics implements ContainerRequestFilter, ContainerResponseFilter {

    static final String MESSAGES = "pipeline.messages";
    static final String BYTES = "pipeline.bytes";
    private static final String STARTED = "pipeline.started";
    private static final Logger LOG = Logger.getLogger(ProduceMetrics.class.getName());
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final Metadata REQUESTS = Metadata.builder().withName("pipeline_requests")
            .withDescription("Produce requests, by topic and outcome").build();
    private static final Metadata STORED = Metadata.builder().withName("pipeline_messages")
            .withDescription("Messages stored by the broker, by topic").build();
    private static final Metadata RECEIVED_BYTES = Metadata.builder().withName("pipeline_received")
            .withDescription("Request body bytes as received, by topic and outcome").withUnit(MetricUnits.BYTES).build();
    private static final Metadata LATENCY = Metadata.builder().withName("pipeline_request_duration")
            .withDescription("Time from request to answer, by topic and outcome").withUnit(MetricUnits.SECONDS).build();
    /** The same times as histogram buckets, which sum across gateways; the buckets are set in microprofile-config.properties. */
    private static final Metadata LATENCY_BUCKETS = Metadata.builder().withName("pipeline_request_latency")
            .withDescription("Time from request to answer, in buckets, by topic and outcome").withUnit(MetricUnits.SECONDS).build();

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    TopicCatalogue catalogue;

    @Inject
    @ConfigProperty(name = "pipeline.log.failed-requests-per-minute", defaultValue = "60")
    int failedRequestLinesPerMinute;

    private FailedRequestLog failures;

    /** The metrics of one topic and outcome, looked up in the registry once rather than per request. */
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    private record Series(Counter requests, Timer latency, Timer latencyBuckets, Counter receivedBytes, Counter stored) {
    }

    private Series newSeries(String topic, int statusClass) {
        Tag[] tags = {new Tag("topic", topic), new Tag("outcome", statusClass + "xx")};
        return new Series(registry.counter(REQUESTS, tags), registry.timer(LATENCY, tags), registry.timer(LATENCY_BUCKETS, tags),
                registry.counter(RECEIVED_BYTES, tags), registry.counter(STORED, new Tag("topic", topic)));
    }

    @PostConstruct
    void start() {
        failures = new FailedRequestLog(LOG, failedRequestLinesPerMinute);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String topicName = request.getUriInfo().getPathParameters().getFirst("topicName");
        Object started = request.getProperty(STARTED);
        if (topicName == null || !(started instanceof Long startNanos)) {
            return;
        }
        String topic = catalogue.topic(topicName).isPresent() ? topicName : "unknown";
        int status = response.getStatus();
        Series series = this.series.computeIfAbsent(topic + ' ' + status / 100, key -> newSeries(topic, status / 100));
        series.requests().inc();
        Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
        series.latency().update(latency);
        series.latencyBuckets().update(latency);
        if (request.getProperty(BYTES) instanceof Long bytes) {
            series.receivedBytes().inc(bytes);
        }
        if (status / 100 == 2 && request.getProperty(MESSAGES) instanceof Integer messages) {
            series.stored().inc(messages);
        }
        if (status >= 400) {
            failures.failed(topic, status, detail(response));
        }
    }

    private static String detail(ContainerResponseContext response) {
        if (response.getEntity() instanceof String body && body.startsWith("{")) {
            JsonObject problem = READERS.createReader(new StringReader(body)).readObject();
            return problem.getString("detail", "");
        }
        return "";
    }
}
