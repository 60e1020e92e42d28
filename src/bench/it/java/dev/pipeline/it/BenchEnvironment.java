package dev.pipeline.it;

import dev.pipeline.testing.SchemaCatalogues;
import dev.pipeline.v1.Message;
import jakarta.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What the benchmarks run against and send: one Apache Artemis distribution broker
 * ({@code server-config/broker.xml}) whose topic {@code orders} has the durable subscription
 * {@code orders-audit}, drained meanwhile, and the WAR built with {@code -Pbench} on Payara Micro as
 * shipped (pre-boot commands, system.properties, {@code -Xmx512m}). Every row sends 1 KB messages: a 1,024-character
 * {@code message}, as JSON, as a protobuf {@code pipeline.v1.Message}, or as that JSON's text in a
 * persistent JMS {@code TextMessage}.
 */
final class BenchEnvironment implements AutoCloseable {

    static final int BATCH = 100;
    private static final String TOPIC = "orders";
    /** The TTL of {@code orders} in the catalogue the benchmark's gateway runs with. */
    private static final Duration TOPIC_TTL = Duration.ofHours(1);
    private static final String PAYLOAD = "x".repeat(1024);
    private static final String JSON_SINGLE = "{\"message\":\"" + PAYLOAD + "\"}";
    private static final String JSON_BATCH = "[" + String.join(",", Collections.nCopies(BATCH, JSON_SINGLE)) + "]";
    private static final byte[] PROTOBUF_SINGLE = Message.newBuilder().setMessage(PAYLOAD).build().toByteArray();
    /** A realistic order (about 1 KB) naming the topic's order schema, newest version: parsed and validated by the gateway. */
    private static final String SCHEMA_SINGLE = "{\"schemaRef\":\"" + SchemaCatalogues.ORDER_REF + "\",\"message\":"
            + Json.createValue(SchemaCatalogues.order()).toString() + "}";

    private final DistributionBrokerGateway services;
    private final SubscriptionDrain drain;
    private final ActiveMQConnectionFactory jms;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private BenchEnvironment(DistributionBrokerGateway services, SubscriptionDrain drain) {
        this.services = services;
        this.drain = drain;
        this.jms = new ActiveMQConnectionFactory(services.broker().clientUrl());
    }

    static BenchEnvironment start() throws Exception {
        DistributionBrokerGateway services = DistributionBrokerGateway.startConfigured("bench");
        try {
            return new BenchEnvironment(services, new SubscriptionDrain(services.broker().clientUrl(), TOPIC, "orders-audit"));
        } catch (Exception | Error e) {
            services.close();
            throw e;
        }
    }

    Sender.Factory nativeSingles() {
        return thread -> Sender.nativeJms(jms, TOPIC, JSON_SINGLE, 1);
    }

    Sender.Factory nativeBatches() {
        return thread -> Sender.nativeJms(jms, TOPIC, JSON_SINGLE, BATCH);
    }

    /** What the gateway sends for {@link #jsonSingles()}, sent by a native producer: the gateway's ideal. */
    Sender.Factory nativeGatewaySingles() {
        return thread -> Sender.nativeGatewayMessages(jms, TOPIC, PAYLOAD, TOPIC_TTL, 1);
    }

    Sender.Factory nativeGatewayBatches() {
        return thread -> Sender.nativeGatewayMessages(jms, TOPIC, PAYLOAD, TOPIC_TTL, BATCH);
    }

    /** The same JSON single to the no-broker endpoint of {@code src/bench/java}. */
    Sender.Factory floor() {
        HttpRequest request = post("/pipeline/floor/topics/" + TOPIC + "/messages", Gateway.JSON, JSON_SINGLE.getBytes(StandardCharsets.UTF_8));
        return thread -> Sender.http(http, request, 1);
    }

    Sender.Factory jsonSingles() {
        HttpRequest request = jsonSingle();
        return thread -> Sender.http(http, request, 1);
    }

    /** JSON singles of an order validated against the topic's schema (version 2, JSON Schema 2020-12). */
    Sender.Factory schemaSingles() {
        HttpRequest request = post(producePath(), Gateway.JSON, SCHEMA_SINGLE.getBytes(StandardCharsets.UTF_8));
        return thread -> Sender.http(http, request, 1);
    }

    Sender.Factory protobufSingles() {
        HttpRequest request = post(producePath(), Gateway.PROTOBUF, PROTOBUF_SINGLE);
        return thread -> Sender.http(http, request, 1);
    }

    Sender.Factory jsonBatches() {
        HttpRequest request = post(producePath(), Gateway.JSON, JSON_BATCH.getBytes(StandardCharsets.UTF_8));
        return thread -> Sender.http(http, request, BATCH);
    }

    HttpRequest jsonSingle() {
        return post(producePath(), Gateway.JSON, JSON_SINGLE.getBytes(StandardCharsets.UTF_8));
    }

    HttpClient http() {
        return http;
    }

    /** Seconds from launching Payara Micro (the broker already up) until {@code /health/ready} answered 200. */
    double startupSeconds() {
        return services.payara().readyAfterLaunch().toNanos() / 1e9;
    }

    /** The gateway's transaction counters of the benchmark's topic, now. */
    PublishGroups publishGroups() throws IOException, InterruptedException {
        return PublishGroups.read(http, services.payara(), TOPIC);
    }

    long payaraPid() {
        return services.payara().pid();
    }

    ServiceMemory payaraMemory() {
        return new ServiceMemory(payaraPid());
    }

    SubscriptionDrain drain() {
        return drain;
    }

    private static String producePath() {
        return "/pipeline/topics/" + TOPIC + "/messages";
    }

    private HttpRequest post(String path, String contentType, byte[] body) {
        URI uri = services.payara().uri(path);
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + DistributionBrokerGateway.TOKEN)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    @Override
    public void close() throws Exception {
        try {
            jms.close();
            drain.close();
        } finally {
            services.close();
        }
    }
}
