package dev.pipeline.topics.control;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionConfig;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.ValidationLimitExceededException;
import com.networknt.schema.path.PathType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Reads, checks and compiles the JSON Schema files a catalogue lists, with networknt's
 * json-schema-validator. A schema must be JSON Schema 2020-12 (the default) or draft-07, valid
 * against its meta-schema, and refer only within its own file ({@code "$ref": "#/$defs/item"}):
 * a remote reference would make the request path depend on the network, so it is refused here,
 * and the library is told never to fetch one. Validation runs within {@link #LIMITS}, so a schema
 * that recurses or a document that is large or deep costs a bounded time, never a hang or a
 * stack overflow.
 */
public final class JsonSchemas {

    static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    static final String DRAFT_07 = "http://json-schema.org/draft-07/schema";
    /** Steps and depth of one validation: about a second of one core at most, and well within a thread's stack. */
    public static final long MAX_STEPS = 1_000_000;
    public static final int MAX_DEPTH = 256;
    public static final Consumer<ExecutionConfig.Builder> LIMITS =
            config -> config.maxEvaluationSteps(MAX_STEPS).maxEvaluationDepth(MAX_DEPTH).failFast(true);
    private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");

    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            registry -> registry
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)));

    private JsonSchemas() {
    }

    /**
     * The compiled schema of the file's content.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    static Schema compile(byte[] content, Path file) {
        JsonNode node;
        try {
            node = JSON.readTree(content);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !(node.isObject() || node.isBoolean())) {
            throw new IllegalArgumentException("is not a JSON Schema (an object or a boolean)");
        }
        String dialect = dialect(node);
        List<Error> metaErrors = REGISTRY.getSchema(SchemaLocation.of(dialect)).validate(node);
        if (!metaErrors.isEmpty()) {
            Error first = metaErrors.get(0);
            throw new IllegalArgumentException("is not a valid JSON Schema (" + dialect + "): at \""
                    + first.getInstanceLocation() + "\": " + first.getMessage());
        }
        String remote = remoteReference(node);
        if (remote != null) {
            throw new IllegalArgumentException("refers to '" + remote + "' outside the file; only references within it"
                    + " (\"#...\") are allowed, nothing is fetched");
        }
        Schema schema;
        try {
            schema = REGISTRY.getSchema(SchemaLocation.of(file.toUri().toString()), node);
            schema.initializeValidators();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot be compiled: " + firstLine(e.getMessage()));
        }
        try {
            schema.validate(NullNode.getInstance(), context -> context.executionConfig(LIMITS));
        } catch (ValidationLimitExceededException e) {
            throw new IllegalArgumentException("recurses without end (validating even null exceeds "
                    + limit(e) + " " + e.getLimit() + ")");
        }
        return schema;
    }

    private static String dialect(JsonNode node) {
        JsonNode declared = node.isObject() ? node.get("$schema") : null;
        if (declared == null) {
            return DRAFT_2020_12;
        }
        String uri = declared.isString() ? declared.asString() : declared.toString();
        String bare = uri.endsWith("#") ? uri.substring(0, uri.length() - 1) : uri;
        if (bare.equals(DRAFT_2020_12) || bare.equals(DRAFT_07) || bare.equals(DRAFT_07.replace("http:", "https:"))) {
            return bare.equals(DRAFT_2020_12) ? DRAFT_2020_12 : DRAFT_07 + "#";
        }
        throw new IllegalArgumentException("declares $schema '" + uri + "'; only JSON Schema 2020-12 (" + DRAFT_2020_12
                + ") and draft-07 (" + DRAFT_07 + "#) are accepted");
    }

    /** The first reference that leaves the file, or null. */
    private static String remoteReference(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (REFERENCES.contains(field.getKey()) && field.getValue().isString()
                        && !field.getValue().asString().startsWith("#")) {
                    return field.getValue().asString();
                }
                String inner = remoteReference(field.getValue());
                if (inner != null) {
                    return inner;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                String inner = remoteReference(element);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    /** The limit a validation exceeded, in words: "max evaluation steps". */
    public static String limit(ValidationLimitExceededException exceeded) {
        return exceeded.getLimitKind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The first line of a parser's message, which goes on with a source excerpt. */
    public static String firstLine(String message) {
        if (message == null) {
            return "(no detail)";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
