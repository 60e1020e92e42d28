package dev.pipeline.it;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An HTTP client for the produce endpoint of one running gateway. */
final class Gateway {

    static final String JSON = "application/json";
    static final String PROTOBUF = "application/x-protobuf";
    static final String PROTOBUF_BATCH = "application/x-protobuf; proto=pipeline.v1.MessageBatch";

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final PayaraMicro payara;

    Gateway(PayaraMicro payara) {
        this.payara = payara;
    }

    Request post(String topic) {
        return new Request(HttpRequest.newBuilder(payara.uri("/pipeline/topics/" + topic + "/messages"))
                .timeout(Duration.ofSeconds(30)));
    }

    PayaraMicro payara() {
        return payara;
    }

    static final class Request {

        private final HttpRequest.Builder builder;

        private Request(HttpRequest.Builder builder) {
            this.builder = builder;
        }

        Request token(String token) {
            return header("Authorization", "Bearer " + token);
        }

        Request header(String name, String value) {
            builder.header(name, value);
            return this;
        }

        HttpResponse<String> json(String body) throws IOException, InterruptedException {
            return header("Content-Type", JSON).send(body.getBytes(StandardCharsets.UTF_8));
        }

        HttpResponse<String> send(byte[] body) throws IOException, InterruptedException {
            return CLIENT.send(builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> send(HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
            return CLIENT.send(builder.POST(body).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
