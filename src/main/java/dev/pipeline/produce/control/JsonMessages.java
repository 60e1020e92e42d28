package dev.pipeline.produce.control;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.v1.Message;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonConfig;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@link Message}: strict reading (JSON-P with duplicate keys rejected, no
 * unknown fields, no type coercion, no nulls) and the writing of the body JMS consumers get.
 */
public final class JsonMessages {

    private static final JsonReaderFactory STRICT =
            Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    /** Created once: each static {@code Json.create...} call looks the JSON-P provider up again on the class path. */
    private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private JsonMessages() {
    }

    /** Exactly one JSON value, with no duplicate keys in any object. */
    public static JsonValue read(byte[] body) {
        try {
            requireSingleValue(body);
            try (var reader = STRICT.createReader(new ByteArrayInputStream(body))) {
                return reader.readValue();
            }
        } catch (RuntimeException e) {
            // JSON-P reports most syntax errors as JsonException, but some (nesting too deep) as plain RuntimeException.
            throw new InvalidRequestException("malformed JSON: " + e.getMessage());
        }
    }

    /**
     * JSON-P's reader stops after the first value and ignores what follows; its parser does not.
     * (Parsson's skipObject/skipArray loop forever on a truncated body, so depth is counted here.)
     */
    private static void requireSingleValue(byte[] body) {
        try (JsonParser parser = PARSERS.createParser(new ByteArrayInputStream(body))) {
            int depth = 0;
            do {
                switch (parser.next()) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    default -> {
                    }
                }
            } while (depth > 0);
            if (parser.hasNext()) {
                throw new JsonException("unexpected content after the JSON value at offset "
                        + parser.getLocation().getStreamOffset());
            }
        }
    }

    public static Message message(JsonValue json, String at) {
        if (!(json instanceof JsonObject object)) {
            throw new InvalidRequestException(describe(at, "a message") + " must be a JSON object");
        }
        Message.Builder message = Message.newBuilder();
        for (Map.Entry<String, JsonValue> field : object.entrySet()) {
            String name = at + field.getKey();
            JsonValue value = field.getValue();
            switch (field.getKey()) {
                case "messageType" -> message.setMessageType(string(value, name));
                case "source" -> message.setSource(string(value, name));
                case "sentTime" -> message.setSentTime(epochMillis(value, name));
                case "imsOrg" -> message.setImsOrg(string(value, name));
                case "properties" -> message.putAllProperties(stringMap(value, name));
                case "messageId" -> message.setMessageId(string(value, name));
                case "locations" -> message.addAllLocations(stringList(value, name));
                case "messageContentType" -> message.setMessageContentType(string(value, name));
                case "schemaRef" -> message.setSchemaRef(string(value, name));
                case "schemaVersion" -> message.setSchemaVersion(string(value, name));
                case "message" -> message.setMessage(string(value, name));
                case "orderingKey" -> message.setOrderingKey(string(value, name));
                default -> throw new InvalidRequestException("unknown field '" + name + "'");
            }
        }
        return message.build();
    }

    public static String write(Message message) {
        JsonObjectBuilder json = BUILDERS.createObjectBuilder();
        addIfSet(json, "messageType", message.getMessageType());
        addIfSet(json, "source", message.getSource());
        if (message.getSentTime() != 0) {
            json.add("sentTime", message.getSentTime());
        }
        addIfSet(json, "imsOrg", message.getImsOrg());
        if (message.getPropertiesCount() > 0) {
            JsonObjectBuilder properties = BUILDERS.createObjectBuilder();
            message.getPropertiesMap().forEach(properties::add);
            json.add("properties", properties);
        }
        addIfSet(json, "messageId", message.getMessageId());
        if (message.getLocationsCount() > 0) {
            JsonArrayBuilder locations = BUILDERS.createArrayBuilder();
            message.getLocationsList().forEach(locations::add);
            json.add("locations", locations);
        }
        addIfSet(json, "messageContentType", message.getMessageContentType());
        addIfSet(json, "schemaRef", message.getSchemaRef());
        addIfSet(json, "schemaVersion", message.getSchemaVersion());
        addIfSet(json, "message", message.getMessage());
        addIfSet(json, "orderingKey", message.getOrderingKey());
        return json.build().toString();
    }

    private static void addIfSet(JsonObjectBuilder json, String name, String value) {
        if (!value.isEmpty()) {
            json.add(name, value);
        }
    }

    private static String string(JsonValue value, String name) {
        if (!(value instanceof JsonString string)) {
            throw wrongType(name, "a string", value);
        }
        return string.getString();
    }

    private static long epochMillis(JsonValue value, String name) {
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw wrongType(name, "an integer (epoch milliseconds)", value);
        }
        try {
            long millis = number.longValueExact();
            if (millis < 0) {
                throw new InvalidRequestException("'" + name + "' must not be negative");
            }
            return millis;
        } catch (ArithmeticException e) {
            throw new InvalidRequestException("'" + name + "' is out of range for epoch milliseconds");
        }
    }

    private static Map<String, String> stringMap(JsonValue value, String name) {
        if (!(value instanceof JsonObject object)) {
            throw wrongType(name, "an object of strings", value);
        }
        Map<String, String> map = new LinkedHashMap<>();
        object.forEach((key, entry) -> map.put(key, string(entry, name + "." + key)));
        return map;
    }

    private static List<String> stringList(JsonValue value, String name) {
        if (!(value instanceof JsonArray array)) {
            throw wrongType(name, "an array of strings", value);
        }
        List<String> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            list.add(string(array.get(i), name + "[" + i + "]"));
        }
        return list;
    }

    private static InvalidRequestException wrongType(String name, String expected, JsonValue actual) {
        return new InvalidRequestException("'" + name + "' must be " + expected + ", not "
                + actual.getValueType().name().toLowerCase());
    }

    private static String describe(String at, String fallback) {
        return at.isEmpty() ? fallback : at.substring(0, at.length() - 1);
    }
}
