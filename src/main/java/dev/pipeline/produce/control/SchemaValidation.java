package dev.pipeline.produce.control;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.ValidationLimitExceededException;
import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.topics.control.JsonSchemas;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.topics.entity.TopicSchemas;
import dev.pipeline.v1.Message;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * For a topic that lists JSON Schemas: each message naming one has its {@code message} parsed as JSON
 * and validated against the version it names, or the newest listed (then stamped as its
 * {@code schemaVersion}). The first message that fails rejects the whole request with 400, naming
 * its index, the JSON pointer and the rule. Topics without schemas pass through untouched.
 */
public final class SchemaValidation {

    /** Deeper documents are refused before validation, which recurses once per level or more. */
    public static final int MAX_NESTING = 128;

    /** Made at the first message naming a schema: a topic without schemas never loads Jackson. */
    private static final class Parser {
        static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build())
                .build();
    }

    private SchemaValidation() {
    }

    public static List<Message> validated(Topic topic, List<Message> messages) {
        TopicSchemas schemas = topic.schemas();
        if (schemas.isEmpty()) {
            return messages;
        }
        List<Message> validated = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            validated.add(validated(topic.name(), schemas, messages.get(i), i));
        }
        return validated;
    }

    private static Message validated(String topic, TopicSchemas schemas, Message message, int index) {
        String ref = message.getSchemaRef();
        if (ref.isEmpty()) {
            if (schemas.required()) {
                throw invalid(index, "'schemaRef' is required on topic " + topic + "; it accepts " + schemas.byRef().keySet());
            }
            return message;
        }
        String version = message.getSchemaVersion().isEmpty()
                ? schemas.newestVersion(ref).orElseThrow(() -> unknownRef(topic, schemas, ref, index))
                : message.getSchemaVersion();
        Schema schema = schemas.schema(ref, version).orElseThrow(() -> schemas.versions(ref).isEmpty()
                ? unknownRef(topic, schemas, ref, index)
                : invalid(index, "'schemaVersion' '" + version + "' of schema '" + ref + "' is unknown on topic " + topic
                        + "; its versions are " + schemas.versions(ref)));
        String named = "schema '" + ref + "' version '" + version + "'";
        JsonNode document;
        try {
            document = Parser.JSON.readTree(message.getMessage());
        } catch (RuntimeException e) {
            throw invalid(index, "'message' must be JSON to be validated against " + named + ": " + JsonSchemas.firstLine(e.getMessage()));
        }
        List<Error> errors;
        try {
            errors = schema.validate(document, context -> context.executionConfig(JsonSchemas.LIMITS));
        } catch (ValidationLimitExceededException e) {
            throw invalid(index, "'message' at JSON pointer \"" + e.getInstanceLocation() + "\" could not be validated against "
                    + named + " within " + JsonSchemas.MAX_STEPS + " steps and a depth of " + JsonSchemas.MAX_DEPTH
                    + " (" + JsonSchemas.limit(e) + " exceeded)");
        }
        if (!errors.isEmpty()) {
            Error error = errors.get(0);
            throw invalid(index, "'message' does not match " + named + " at JSON pointer \"" + error.getInstanceLocation()
                    + "\": rule '" + error.getKeyword() + "' (" + error.getSchemaLocation().getFragment() + ") failed: "
                    + error.getMessage());
        }
        return message.getSchemaVersion().isEmpty() ? message.toBuilder().setSchemaVersion(version).build() : message;
    }

    private static InvalidRequestException unknownRef(String topic, TopicSchemas schemas, String ref, int index) {
        return invalid(index, "'schemaRef' '" + ref + "' is not a schema of topic " + topic + "; it accepts "
                + schemas.byRef().keySet());
    }

    private static InvalidRequestException invalid(int index, String problem) {
        return new InvalidRequestException("message [" + index + "]: " + problem);
    }
}
