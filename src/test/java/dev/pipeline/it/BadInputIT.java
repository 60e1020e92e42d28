package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input gets a 400 naming the problem, never a 5xx, and nothing of a rejected request is sent. */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class BadInputIT {

    private static final String WRITER = TestTokens.serviceToken("orders-writer").sign();
    private static final int MESSAGE_LIMIT = 1_048_576;
    private static final int BATCH_LIMIT = 2_097_152;

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void malformedJsonIsRejectedWith400(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\": \"unterminated"), 400)
                .contains("malformed JSON"));
    }

    @Test
    void unknownFieldIsRejectedWith400NamingIt(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\":\"m\",\"colour\":\"red\"}"), 400)
                .contains("colour"));
    }

    @Test
    void wrongTypeIsRejectedWith400NamingTheField(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\":\"m\",\"sentTime\":\"yesterday\"}"), 400)
                .contains("sentTime"));
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\":\"m\",\"properties\":{\"n\":1}}"), 400)
                .contains("properties.n"));
    }

    @Test
    void duplicateKeyIsRejectedWith400(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\":\"a\",\"message\":\"b\"}"), 400)
                .contains("message"));
    }

    @Test
    void missingMessageIsRejectedWith400NamingIt(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"source\":\"shop\"}"), 400).contains("message"));
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\":\"\"}"), 400).contains("message"));
    }

    @Test
    void messageIdOver256CharactersIsRejectedWith400(Gateway gateway) throws Exception {
        messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"m\",\"messageId\":\"" + "i".repeat(250) + UUID.randomUUID().toString().substring(0, 6) + "\"}"));
        assertTrue(problem(gateway.post("orders").token(WRITER).json("{\"message\":\"m\",\"messageId\":\"" + "i".repeat(257) + "\"}"), 400)
                .contains("messageId"));
    }

    @Test
    void unsupportedContentTypeIsRejectedWith400(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).header("Content-Type", "text/plain")
                .send("{\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8)), 400).contains("text/plain"));
    }

    @Test
    void contentTypeThatIsNoMediaTypeIsRejectedWith400(Gateway gateway) throws Exception {
        problem(gateway.post("orders").token(WRITER).header("Content-Type", "nonsense")
                .send("{\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8)), 400);
    }

    @Test
    void unsupportedContentEncodingIsRejectedWith400(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).header("Content-Encoding", "br")
                .json("{\"message\":\"m\"}"), 400).contains("br"));
    }

    @Test
    void invalidProtobufIsRejectedWith400(Gateway gateway) throws Exception {
        problem(gateway.post("orders").token(WRITER).header("Content-Type", Gateway.PROTOBUF)
                .send(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}), 400);
    }

    @Test
    void emptyBatchIsRejectedWith400(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json("[]"), 400).contains("empty"));
        problem(gateway.post("orders").token(WRITER).header("Content-Type", Gateway.PROTOBUF_BATCH).send(new byte[0]), 400);
    }

    @Test
    void batchWithOneInvalidMessageIsRejectedWholeAndNothingIsSent(Gateway gateway, TestBroker broker) throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (var subscription = broker.subscribe("orders")) {
            String detail = problem(gateway.post("orders").token(WRITER)
                    .json("[{\"message\":\"fine\"},{\"message\":\"fine too\"},{\"source\":\"no message\"}]"), 400);
            messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}"));

            assertTrue(detail.contains("[2]"), "detail names the batch member: " + detail);
            assertEquals(1, subscription.untilMarker(marker).size());
        }
    }

    @Test
    void gzipBodyIsDecodedAndStored(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            messageIds(gateway.post("orders").token(WRITER).header("Content-Type", Gateway.JSON)
                    .header("Content-Encoding", "gzip").send(gzip("{\"message\":\"zipped\"}".getBytes(StandardCharsets.UTF_8))));

            assertTrue(((TextMessage) subscription.next()).getText().contains("\"message\":\"zipped\""));
        }
    }

    @Test
    void singleMessageOfExactlyTheLimitIsAccepted(Gateway gateway) throws Exception {
        messageIds(gateway.post("orders").token(WRITER).json(jsonOfSize(MESSAGE_LIMIT)));
    }

    @Test
    void singleMessageOverOneMegabyteIsRejectedWith400NamingTheLimit(Gateway gateway) throws Exception {
        assertTrue(problem(gateway.post("orders").token(WRITER).json(jsonOfSize(MESSAGE_LIMIT + 1)), 400)
                .contains(Integer.toString(MESSAGE_LIMIT)));
    }

    @Test
    void chunkedBodyOverTheLimitIsRejectedWith400(Gateway gateway) throws Exception {
        byte[] body = jsonOfSize(MESSAGE_LIMIT + 1).getBytes(StandardCharsets.UTF_8);
        assertTrue(problem(gateway.post("orders").token(WRITER).header("Content-Type", Gateway.JSON)
                .send(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))), 400)
                .contains(Integer.toString(MESSAGE_LIMIT)));
    }

    @Test
    void gzipBodyInflatingPastTheLimitIsRejectedWith400(Gateway gateway) throws Exception {
        byte[] bomb = gzip(("{\"message\":\"" + " ".repeat(40 * MESSAGE_LIMIT) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < 100_000, "the compressed body is small");
        assertTrue(problem(gateway.post("orders").token(WRITER).header("Content-Type", Gateway.JSON)
                .header("Content-Encoding", "gzip").send(bomb), 400).contains(Integer.toString(MESSAGE_LIMIT)));
    }

    @Test
    void batchOverTwoMegabytesIsRejectedWith400NamingTheLimit(Gateway gateway) throws Exception {
        String member = "{\"message\":\"" + "b".repeat(700_000) + "\"}";
        String batch = "[" + member + "," + member + "," + member + "]";
        assertTrue(batch.length() > BATCH_LIMIT);
        assertTrue(problem(gateway.post("orders").token(WRITER).json(batch), 400).contains(Integer.toString(BATCH_LIMIT)));
    }

    @Test
    void batchMemberOverOneMegabyteIsRejectedWith400(Gateway gateway) throws Exception {
        String batch = "[" + jsonOfSize(MESSAGE_LIMIT + 10) + ",{\"message\":\"small\"}]";
        assertTrue(batch.length() < BATCH_LIMIT);
        assertTrue(problem(gateway.post("orders").token(WRITER).json(batch), 400).contains("[0]"));
    }

    /** A single JSON message of exactly this many bytes. */
    private static String jsonOfSize(int bytes) {
        String frame = "{\"message\":\"\"}";
        return "{\"message\":\"" + "x".repeat(bytes - frame.length()) + "\"}";
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        }
        return out.toByteArray();
    }
}
