package dev.pipeline.produce.control;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.v1.Message;
import dev.pipeline.v1.MessageBatch;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a request body into messages: picks the wire format from Content-Type, undoes
 * Content-Encoding, reads within {@link BodyLimits}, and parses JSON or protobuf.
 */
public final class RequestBodyReader {

    static final String BATCH_TYPE = "pipeline.v1.MessageBatch";
    static final String MESSAGE_TYPE = "pipeline.v1.Message";

    public static final String JSON = "application/json";
    public static final String PROTOBUF = "application/x-protobuf";
    public static final String PROTOBUF_ALIAS = "application/protobuf";
    /** The original API page's name, not a media type; {@code BareProtobufMediaTypeFilter} lets it through JAX-RS. */
    public static final String BARE_PROTOBUF = "x-protobuf";
    public static final String PROTOBUF_BATCH = PROTOBUF + "; proto=" + BATCH_TYPE;
    /**
     * Every media type a body may be sent as, as the API document (META-INF/openapi.yaml) lists them.
     * Besides these: no Content-Type (one protobuf message), the bare {@link #BARE_PROTOBUF}, and the
     * {@code proto} parameter on either protobuf type.
     */
    public static final List<String> MEDIA_TYPES = List.of(JSON, PROTOBUF, PROTOBUF_ALIAS, PROTOBUF_BATCH);
    /** Every Content-Encoding a body may be sent with, besides none. */
    public static final List<String> CONTENT_ENCODINGS = List.of("gzip", "x-gzip", "identity");

    private RequestBodyReader() {
    }

    /** What Content-Type asks for. */
    record Kind(BodyFormat format, boolean protobufBatch) {
    }

    public static ProduceRequest read(String contentType, String contentEncoding, InputStream body) {
        return read(contentType, contentEncoding, body, bytes -> { });
    }

    /** Reads the body, telling {@code onDecoded} of every decoded byte as it is read, so that it may stop the reading. */
    public static ProduceRequest read(String contentType, String contentEncoding, InputStream body, LongConsumer onDecoded) {
        Kind kind = kind(contentType);
        try (InputStream decoded = new CountingInputStream(decoded(contentEncoding, body), onDecoded)) {
            return kind.format() == BodyFormat.JSON ? json(decoded) : protobuf(decoded, kind.protobufBatch());
        } catch (ZipException | java.io.EOFException e) {
            throw new InvalidRequestException("body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidRequestException("request body could not be read: " + e.getMessage());
        }
    }

    static Kind kind(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return new Kind(BodyFormat.PROTOBUF, false);
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case JSON:
                return new Kind(BodyFormat.JSON, false);
            case PROTOBUF, PROTOBUF_ALIAS, BARE_PROTOBUF:
                String proto = parameter(parts, "proto");
                if (proto == null || proto.equals(MESSAGE_TYPE)) {
                    return new Kind(BodyFormat.PROTOBUF, false);
                }
                if (proto.equals(BATCH_TYPE)) {
                    return new Kind(BodyFormat.PROTOBUF, true);
                }
                throw new InvalidRequestException("Content-Type parameter proto='" + proto + "' is neither "
                        + MESSAGE_TYPE + " nor " + BATCH_TYPE);
            default:
                throw new InvalidRequestException("Content-Type '" + contentType + "' is not supported; use " + JSON + " or "
                        + PROTOBUF + " (with proto=" + BATCH_TYPE + " for a batch)");
        }
    }

    private static String parameter(String[] parts, String name) {
        for (int i = 1; i < parts.length; i++) {
            String[] pair = parts[i].split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase(name)) {
                return pair[1].trim().replace("\"", "");
            }
        }
        return null;
    }

    static InputStream decoded(String contentEncoding, InputStream body) throws IOException {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) {
            return body;
        }
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            return new GZIPInputStream(body);
        }
        throw new InvalidRequestException("Content-Encoding '" + contentEncoding + "' is not supported; use gzip or none");
    }

    private static ProduceRequest json(InputStream body) throws IOException {
        byte[] start = body.readNBytes(BodyLimits.MESSAGE_BYTES + 1);
        boolean batch = startsWith(start, '[');
        byte[] whole;
        if (start.length <= BodyLimits.MESSAGE_BYTES) {
            whole = start;
        } else if (batch) {
            whole = BodyLimits.readBatch(start, body);
        } else {
            throw BodyLimits.singleTooLarge();
        }
        JsonValue json = JsonMessages.read(whole);
        if (json instanceof JsonObject) {
            return new ProduceRequest(BodyFormat.JSON, false, List.of(JsonMessages.message(json, "")));
        }
        if (!(json instanceof JsonArray array)) {
            throw new InvalidRequestException("JSON body must be an object (one message) or an array of objects (a batch)");
        }
        List<Message> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (whole.length > BodyLimits.MESSAGE_BYTES) {
                BodyLimits.checkMember(i, array.get(i).toString().getBytes(StandardCharsets.UTF_8).length);
            }
            messages.add(JsonMessages.message(array.get(i), "[" + i + "]."));
        }
        return new ProduceRequest(BodyFormat.JSON, true, messages);
    }

    private static ProduceRequest protobuf(InputStream body, boolean batch) throws IOException {
        try {
            if (!batch) {
                return new ProduceRequest(BodyFormat.PROTOBUF, false, List.of(Message.parseFrom(BodyLimits.readSingle(body))));
            }
            List<Message> messages = MessageBatch.parseFrom(BodyLimits.readBatch(body)).getMessagesList();
            for (int i = 0; i < messages.size(); i++) {
                BodyLimits.checkMember(i, messages.get(i).getSerializedSize());
            }
            return new ProduceRequest(BodyFormat.PROTOBUF, true, messages);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidRequestException("body is not a valid protobuf " + (batch ? BATCH_TYPE : MESSAGE_TYPE) + ": " + e.getMessage());
        }
    }

    private static boolean startsWith(byte[] body, char token) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == token;
            }
        }
        return false;
    }
}
