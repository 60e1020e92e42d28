package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.v1.Message;
import dev.pipeline.v1.MessageBatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodyReaderTest {

    private static final int MB = 1_048_576;
    private static final int TWO_MB = 2_097_152;
    private static final String BATCH_CONTENT_TYPE = "application/x-protobuf; proto=pipeline.v1.MessageBatch";
    /** GZIPInputStream reads its input 512 bytes at a time; deflate inflates at most 1032:1. */
    private static final int READ_AHEAD_INFLATED = 2 * 512 * 1032;
    private static final Message HELLO = Message.newBuilder().setMessage("hello").setMessageId("id-1").build();

    @ParameterizedTest(name = "Content-Type \"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"  ", "x-protobuf", "application/x-protobuf", "application/protobuf", "APPLICATION/X-PROTOBUF",
            "application/x-protobuf; proto=pipeline.v1.Message"})
    void protobufContentTypesReadOneMessage(String contentType) {
        ProduceRequest request = read(contentType, null, HELLO.toByteArray());

        assertEquals(BodyFormat.PROTOBUF, request.format());
        assertFalse(request.batch());
        assertEquals(List.of(HELLO), request.messages());
    }

    @ParameterizedTest(name = "Content-Type \"{0}\"")
    @ValueSource(strings = {BATCH_CONTENT_TYPE, "application/protobuf;proto=\"pipeline.v1.MessageBatch\"",
            "x-protobuf; charset=binary; proto=pipeline.v1.MessageBatch"})
    void protoParameterMarksAProtobufBatch(String contentType) {
        Message second = Message.newBuilder().setMessage("world").build();
        byte[] body = MessageBatch.newBuilder().addMessages(HELLO).addMessages(second).build().toByteArray();

        ProduceRequest request = read(contentType, null, body);

        assertEquals(BodyFormat.PROTOBUF, request.format());
        assertTrue(request.batch());
        assertEquals(List.of(HELLO, second), request.messages());
    }

    @ParameterizedTest(name = "Content-Type \"{0}\"")
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"})
    void jsonContentTypesReadJson(String contentType) {
        ProduceRequest request = read(contentType, null, utf8("{\"message\":\"hello\",\"messageId\":\"id-1\"}"));

        assertEquals(BodyFormat.JSON, request.format());
        assertFalse(request.batch());
        assertEquals(List.of(HELLO), request.messages());
    }

    @Test
    void jsonArrayIsABatchInRequestOrder() {
        ProduceRequest request = read("application/json", null, utf8("[{\"message\":\"a\"},{\"message\":\"b\"}]"));

        assertTrue(request.batch());
        assertEquals(List.of("a", "b"), request.messages().stream().map(Message::getMessage).toList());
    }

    @Test
    void emptyJsonArrayIsABatchWithoutMessages() {
        ProduceRequest request = read("application/json", null, utf8(" [ ] "));

        assertEquals(BodyFormat.JSON, request.format());
        assertTrue(request.batch());
        assertEquals(List.of(), request.messages());
    }

    @ParameterizedTest(name = "Content-Type \"{0}\"")
    @ValueSource(strings = {"text/plain", "application/octet-stream", "application/xml", "application/json-patch+json"})
    void otherContentTypesAreRejectedWith400(String contentType) {
        InvalidRequestException problem = rejected(() -> read(contentType, null, utf8("{\"message\":\"a\"}")));

        assertTrue(problem.getMessage().contains(contentType), problem.getMessage());
    }

    @Test
    void unknownProtoParameterIsRejectedWith400() {
        InvalidRequestException problem = rejected(() -> read("application/x-protobuf; proto=pipeline.v2.Message", null, HELLO.toByteArray()));

        assertTrue(problem.getMessage().contains("pipeline.v2.Message"), problem.getMessage());
    }

    @Test
    void jsonThatIsNeitherObjectNorArrayIsRejectedWith400() {
        rejected(() -> read("application/json", null, utf8("\"hello\"")));
    }

    @Test
    void arrayMemberThatIsNotAnObjectIsRejectedWith400NamingItsIndex() {
        InvalidRequestException problem = rejected(() -> read("application/json", null, utf8("[{\"message\":\"a\"},\"b\"]")));

        assertTrue(problem.getMessage().contains("[1]"), problem.getMessage());
    }

    @Test
    void invalidProtobufIsRejectedWith400() {
        rejected(() -> read("application/x-protobuf", null, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
    }

    @Test
    void gzipEncodedJsonIsDecoded() {
        ProduceRequest request = read("application/json", "gzip", gzip(utf8("{\"message\":\"hello\",\"messageId\":\"id-1\"}")));

        assertEquals(List.of(HELLO), request.messages());
    }

    @Test
    void gzipEncodedProtobufIsDecoded() {
        ProduceRequest request = read("application/x-protobuf", "GZIP", gzip(HELLO.toByteArray()));

        assertEquals(List.of(HELLO), request.messages());
    }

    @Test
    void identityEncodingIsTheBodyAsSent() {
        ProduceRequest request = read("application/x-protobuf", "identity", HELLO.toByteArray());

        assertEquals(List.of(HELLO), request.messages());
    }

    @ParameterizedTest(name = "Content-Encoding \"{0}\"")
    @ValueSource(strings = {"br", "deflate", "compress", "gzip, br"})
    void otherContentEncodingsAreRejectedWith400(String encoding) {
        InvalidRequestException problem = rejected(() -> read("application/json", encoding, utf8("{\"message\":\"a\"}")));

        assertTrue(problem.getMessage().contains(encoding), problem.getMessage());
    }

    @Test
    void bodyThatIsNotGzipIsRejectedWith400() {
        InvalidRequestException problem = rejected(() -> read("application/json", "gzip", utf8("{\"message\":\"a\"}")));

        assertTrue(problem.getMessage().contains("gzip"), problem.getMessage());
    }

    @Test
    void truncatedGzipIsRejectedWith400() {
        byte[] compressed = gzip(utf8("{\"message\":\"" + "a".repeat(10_000) + "\"}"));

        rejected(() -> read("application/json", "gzip", Arrays.copyOf(compressed, compressed.length / 2)));
    }

    @Test
    void corruptGzipIsRejectedWith400() {
        byte[] compressed = gzip(utf8("{\"message\":\"" + "a".repeat(10_000) + "\"}"));
        for (int i = 10; i < compressed.length - 8; i++) {
            compressed[i] = (byte) 0xff;
        }

        rejected(() -> read("application/json", "gzip", compressed));
    }

    @Test
    void singleJsonMessageOfExactlyOneMegabyteIsAccepted() {
        ProduceRequest request = read("application/json", null, jsonMessage(MB));

        assertEquals(1, request.messages().size());
    }

    @Test
    void singleJsonMessageOneByteOverOneMegabyteIsRejectedWith400NamingTheLimit() {
        InvalidRequestException problem = rejected(() -> read("application/json", null, jsonMessage(MB + 1)));

        assertTrue(problem.getMessage().contains("1048576"), problem.getMessage());
    }

    @Test
    void jsonBatchOfExactlyTwoMegabytesIsAccepted() {
        byte[] body = jsonBatch(MB - 2, MB - 1);
        assertEquals(TWO_MB, body.length);

        ProduceRequest request = read("application/json", null, body);

        assertEquals(2, request.messages().size());
    }

    @Test
    void jsonBatchOneByteOverTwoMegabytesIsRejectedWith400NamingTheLimit() {
        byte[] body = jsonBatch(MB - 1, MB - 1);
        assertEquals(TWO_MB + 1, body.length);

        InvalidRequestException problem = rejected(() -> read("application/json", null, body));

        assertTrue(problem.getMessage().contains("2097152"), problem.getMessage());
    }

    @Test
    void jsonBatchMemberOfExactlyOneMegabyteIsAccepted() {
        ProduceRequest request = read("application/json", null, jsonBatch(MB, 20));

        assertEquals(2, request.messages().size());
    }

    @Test
    void jsonBatchMemberOverOneMegabyteIsRejectedEvenWhenTheBatchIsUnderTwoMegabytes() {
        byte[] body = jsonBatch(20, MB + 1);
        assertTrue(body.length < TWO_MB);

        InvalidRequestException problem = rejected(() -> read("application/json", null, body));

        assertTrue(problem.getMessage().contains("[1]"), problem.getMessage());
        assertTrue(problem.getMessage().contains("1048576"), problem.getMessage());
    }

    @Test
    void singleProtobufMessageOfExactlyOneMegabyteIsAccepted() {
        ProduceRequest request = read("application/x-protobuf", null, protobufMessage(MB).toByteArray());

        assertEquals(1, request.messages().size());
    }

    @Test
    void singleProtobufMessageOneByteOverOneMegabyteIsRejectedWith400NamingTheLimit() {
        InvalidRequestException problem = rejected(() -> read("application/x-protobuf", null, protobufMessage(MB + 1).toByteArray()));

        assertTrue(problem.getMessage().contains("1048576"), problem.getMessage());
    }

    @Test
    void protobufBatchOfExactlyTwoMegabytesIsAccepted() {
        MessageBatch batch = protobufBatch(MB - 8, MB);
        assertEquals(TWO_MB, batch.getSerializedSize());

        ProduceRequest request = read(BATCH_CONTENT_TYPE, null, batch.toByteArray());

        assertEquals(2, request.messages().size());
    }

    @Test
    void protobufBatchOneByteOverTwoMegabytesIsRejectedWith400NamingTheLimit() {
        MessageBatch batch = protobufBatch(MB - 7, MB);
        assertEquals(TWO_MB + 1, batch.getSerializedSize());

        InvalidRequestException problem = rejected(() -> read(BATCH_CONTENT_TYPE, null, batch.toByteArray()));

        assertTrue(problem.getMessage().contains("2097152"), problem.getMessage());
    }

    @Test
    void protobufBatchMemberOverOneMegabyteIsRejectedEvenWhenTheBatchIsUnderTwoMegabytes() {
        MessageBatch batch = protobufBatch(100, MB + 1);
        assertTrue(batch.getSerializedSize() < TWO_MB);

        InvalidRequestException problem = rejected(() -> read(BATCH_CONTENT_TYPE, null, batch.toByteArray()));

        assertTrue(problem.getMessage().contains("[1]"), problem.getMessage());
        assertTrue(problem.getMessage().contains("1048576"), problem.getMessage());
    }

    @Test
    void gzipBombOfASingleMessageIsStoppedAtTheLimit() {
        assertBombStopped("application/json", new byte[0], (byte) 0, MB);
    }

    @Test
    void gzipBombOfAJsonBatchIsStoppedAtTheBatchLimit() {
        assertBombStopped("application/json", utf8("["), (byte) ' ', TWO_MB);
    }

    @Test
    void gzipBombOfAProtobufBatchIsStoppedAtTheBatchLimit() {
        assertBombStopped(BATCH_CONTENT_TYPE, new byte[0], (byte) 0, TWO_MB);
    }

    /**
     * Sends 50 MB of filler, gzipped, and checks that the reader rejects it having inflated hardly more
     * than the limit: the compressed bytes it consumed are inflated again here to measure how far it
     * could have got.
     */
    private static void assertBombStopped(String contentType, byte[] start, byte filler, int limit) {
        byte[] bomb = gzippedFiller(start, filler, 50 * MB);
        CountingInputStream compressed = new CountingInputStream(new ByteArrayInputStream(bomb));

        InvalidRequestException problem = rejected(() -> RequestBodyReader.read(contentType, "gzip", compressed));

        assertTrue(problem.getMessage().contains(String.valueOf(limit)), problem.getMessage());
        long inflated = inflatedLength(Arrays.copyOf(bomb, (int) compressed.count()));
        assertTrue(inflated <= limit + 1 + READ_AHEAD_INFLATED,
                "read " + compressed.count() + " of " + bomb.length + " compressed bytes, inflating to " + inflated);
    }

    private static ProduceRequest read(String contentType, String contentEncoding, byte[] body) {
        return RequestBodyReader.read(contentType, contentEncoding, new ByteArrayInputStream(body));
    }

    private static InvalidRequestException rejected(Executable reading) {
        InvalidRequestException problem = assertThrows(InvalidRequestException.class, reading);
        return problem;
    }

    /** A compact JSON message object of exactly {@code size} bytes. */
    private static String jsonMessageText(int size) {
        String frame = "{\"message\":\"\"}";
        return "{\"message\":\"" + "a".repeat(size - frame.length()) + "\"}";
    }

    private static byte[] jsonMessage(int size) {
        byte[] body = utf8(jsonMessageText(size));
        assertEquals(size, body.length);
        return body;
    }

    private static byte[] jsonBatch(int firstSize, int secondSize) {
        return utf8("[" + jsonMessageText(firstSize) + "," + jsonMessageText(secondSize) + "]");
    }

    /** A message whose serialized form is exactly {@code size} bytes. */
    private static Message protobufMessage(int size) {
        int text = size - 1;
        while (1 + CodedOutputStream.computeUInt32SizeNoTag(text) + text > size) {
            text--;
        }
        Message message = Message.newBuilder().setMessage("a".repeat(text)).build();
        assertEquals(size, message.getSerializedSize());
        return message;
    }

    private static MessageBatch protobufBatch(int firstSize, int secondSize) {
        return MessageBatch.newBuilder().addMessages(protobufMessage(firstSize)).addMessages(protobufMessage(secondSize)).build();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    private static byte[] gzippedFiller(byte[] start, byte filler, int length) {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, filler);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(start);
            for (int written = 0; written < length; written += chunk.length) {
                gzip.write(chunk);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compressed.toByteArray();
    }

    /** How many bytes a prefix of a gzip stream inflates to. */
    private static long inflatedLength(byte[] gzipPrefix) {
        long inflated = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipPrefix))) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                inflated += n;
            }
        } catch (IOException endOfPrefix) {
            // the prefix ends mid-stream: what was inflated so far is the answer
        }
        return inflated;
    }
}
