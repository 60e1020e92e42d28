package dev.pipeline.topics.control;

import dev.pipeline.topics.entity.Topic;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonConfig;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The topics producers may send to, read once at deployment from {@code pipeline.topics.file}.
 * Any problem in the file fails the deployment with a message naming it, so the service never runs
 * with half a catalogue. Unset, there are no topics: the WAR ships no catalogue to fall back on
 * ({@code RequiredConfiguration} reports the missing key).
 */
@ApplicationScoped
public class TopicCatalogue {

    private static final Logger LOG = Logger.getLogger(TopicCatalogue.class.getName());
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Set<String> TOPIC_FIELDS = Set.of("name", "ttl", "producers");
    private static final JsonReaderFactory STRICT_JSON =
            Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));

    @Inject
    @ConfigProperty(name = "pipeline.topics.file")
    Optional<String> catalogueFile;

    private Map<String, Topic> topics;

    public TopicCatalogue() {
    }

    TopicCatalogue(Map<String, Topic> topics) {
        this.topics = topics;
    }

    /** Loads the catalogue as the application starts, so a bad one fails the deployment. */
    void loadWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.fine(() -> topics.size() + " topics");
    }

    @PostConstruct
    void load() {
        Optional<String> file = catalogueFile.filter(path -> !path.isBlank());
        if (file.isEmpty()) {
            topics = Map.of();
            return;
        }
        String source = file.get();
        try (InputStream in = Files.newInputStream(Path.of(source))) {
            topics = parse(in, source).topics;
        } catch (NoSuchFileException e) {
            throw new InvalidCatalogueException("topic catalogue " + source + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidCatalogueException("topic catalogue " + source + " cannot be read: " + e, e);
        }
        LOG.info(() -> "Topic catalogue " + source + ": " + topics.keySet());
    }

    public Optional<Topic> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    /** The topic when one of the groups may produce to it; empty alike for unknown and forbidden topics. */
    public Optional<Topic> producibleTopic(String name, Collection<String> groups) {
        return topic(name).filter(topic -> topic.admitsAnyOf(groups));
    }

    public Collection<Topic> all() {
        return topics.values();
    }

    public static TopicCatalogue parse(InputStream json, String source) {
        JsonObject root;
        try {
            root = STRICT_JSON.createReader(json).readObject();
        } catch (RuntimeException e) {
            // JSON-P reports most syntax errors as JsonException, but some (nesting too deep) as plain RuntimeException.
            throw invalid(source, "is not a JSON object: " + e.getMessage());
        }
        unknownFields(root, Set.of("topics"), source, "");
        JsonArray list = array(root, "topics", source, "topics");
        if (list.isEmpty()) {
            throw invalid(source, "lists no topics");
        }
        Map<String, Topic> topics = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "topics[" + i + "]";
            if (list.get(i).getValueType() != JsonValue.ValueType.OBJECT) {
                throw invalid(source, at + " must be an object");
            }
            Topic topic = topic(list.getJsonObject(i), source, at);
            if (topics.putIfAbsent(topic.name(), topic) != null) {
                throw invalid(source, at + ".name '" + topic.name() + "' appears twice");
            }
        }
        return new TopicCatalogue(Map.copyOf(topics));
    }

    private static Topic topic(JsonObject json, String source, String at) {
        unknownFields(json, TOPIC_FIELDS, source, at + ".");
        String name = string(json, "name", source, at);
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw invalid(source, at + ".name '" + name + "' must be 1-200 letters, digits, '.', '_' or '-'");
        }
        String ttlText = string(json, "ttl", source, at);
        Duration ttl;
        try {
            ttl = Duration.parse(ttlText);
        } catch (DateTimeParseException e) {
            throw invalid(source, at + ".ttl '" + ttlText + "' is not an ISO-8601 duration such as PT1H");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.toMillis() == 0) {
            throw invalid(source, at + ".ttl '" + ttlText + "' must be at least one millisecond");
        }
        JsonArray producerList = array(json, "producers", source, at + ".producers");
        Set<String> producers = new LinkedHashSet<>();
        for (JsonValue producer : producerList) {
            if (!(producer instanceof JsonString group) || group.getString().isBlank()) {
                throw invalid(source, at + ".producers must hold non-empty group names");
            }
            producers.add(group.getString());
        }
        if (producers.isEmpty()) {
            throw invalid(source, at + ".producers must name at least one group");
        }
        return new Topic(name, ttl, producers);
    }

    private static void unknownFields(JsonObject json, Set<String> known, String source, String at) {
        List<String> unknown = json.keySet().stream().filter(key -> !known.contains(key)).toList();
        if (!unknown.isEmpty()) {
            throw invalid(source, "unknown field " + at + unknown.get(0));
        }
    }

    private static String string(JsonObject json, String field, String source, String at) {
        if (!(json.get(field) instanceof JsonString value) || value.getString().isBlank()) {
            throw invalid(source, at + "." + field + " must be a non-empty string");
        }
        return value.getString();
    }

    private static JsonArray array(JsonObject json, String field, String source, String at) {
        if (!(json.get(field) instanceof JsonArray value)) {
            throw invalid(source, at + " must be an array");
        }
        return value;
    }

    private static InvalidCatalogueException invalid(String source, String problem) {
        return new InvalidCatalogueException("topic catalogue " + source + ": " + problem);
    }
}
