package dev.pipeline.topics.control;

import com.networknt.schema.Schema;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.topics.entity.TopicSchemas;
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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The topics producers may send to, read from {@code pipeline.topics.file} at deployment and again
 * whenever {@link #reload()} finds the file's content changed. A problem at deployment fails it, so
 * the service never starts with half a catalogue; a problem in a later version is refused with one
 * log line and the version in force stays. Each version is named by a hash of the file's bytes.
 * Unset, there are no topics: the WAR ships no catalogue to fall back on ({@code RequiredConfiguration}
 * reports the missing key).
 */
@ApplicationScoped
public class TopicCatalogue {

    private static final Logger LOG = Logger.getLogger(TopicCatalogue.class.getName());
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Set<String> TOPIC_FIELDS = Set.of("name", "ttl", "producers", "requireSchema", "schemas");
    private static final Set<String> SCHEMA_FIELDS = Set.of("ref", "version", "file");
    private static final JsonReaderFactory STRICT_JSON =
            Json.createReaderFactory(Map.of(JsonConfig.KEY_STRATEGY, JsonConfig.KeyStrategy.NONE));
    private static final String NO_FILE = "none";

    /** The version in force: its topics and the hash of the bytes they were read from. */
    private record Version(Map<String, Topic> topics, String hash) {
    }

    @Inject
    @ConfigProperty(name = "pipeline.topics.file")
    Optional<String> catalogueFile;

    private volatile Version active;
    /** The hash of the last content that could not be used, so that it is logged once, not at every reload. */
    private volatile String refused;
    private volatile String refusal;

    public TopicCatalogue() {
    }

    TopicCatalogue(Map<String, Topic> topics, String hash) {
        this.active = new Version(topics, hash);
    }

    /** Reads the catalogue as the application starts, so that a bad one fails the deployment. */
    void loadWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.fine(() -> all().size() + " topics");
    }

    @PostConstruct
    void load() {
        Optional<String> file = file();
        if (file.isEmpty()) {
            active = new Version(Map.of(), NO_FILE);
            return;
        }
        String source = file.get();
        byte[] content;
        try {
            content = Files.readAllBytes(Path.of(source));
        } catch (NoSuchFileException e) {
            throw new InvalidCatalogueException("topic catalogue " + source + " does not exist", e);
        } catch (IOException e) {
            throw new InvalidCatalogueException("topic catalogue " + source + " cannot be read: " + e, e);
        }
        active = parse(content, source).active;
        LOG.info(() -> "Topic catalogue " + source + " version " + version() + ": " + active.topics().keySet());
    }

    /**
     * Reads the file again and puts its content in force if it changed and is valid. Content that
     * cannot be used (unreadable, missing, invalid) leaves the version in force and is logged once.
     *
     * @return whether another version is now in force
     */
    public boolean reload() {
        Optional<String> file = file();
        if (file.isEmpty()) {
            return false;
        }
        String source = file.get();
        byte[] content;
        try {
            content = Files.readAllBytes(Path.of(source));
        } catch (IOException e) {
            refuse("unreadable:" + e, source + " cannot be read (" + e + ")");
            return false;
        }
        String hash = hash(content, source);
        Version current = active;
        if (hash.equals(current.hash())) {
            refused = null;
            return false;
        }
        Version next;
        try {
            next = parse(content, source).active;
        } catch (InvalidCatalogueException e) {
            refuse(hash, "version " + hash + " refused: " + e.getMessage());
            return false;
        }
        active = next;
        refused = null;
        refusal = null;
        LOG.info(() -> "Topic catalogue " + source + " version " + hash + " in force (was " + current.hash() + "): "
                + changes(current.topics(), next.topics()));
        return true;
    }

    private void refuse(String what, String message) {
        if (what.equals(refused)) {
            return;
        }
        refused = what;
        refusal = message;
        LOG.warning(() -> "Topic catalogue " + message + "; version " + active.hash() + " stays in force");
    }

    /** The hash of the file's bytes that the topics in force were read from ({@code none} without a file). */
    public String version() {
        return active.hash();
    }

    /** Why the file's current content is not in force, if it is not. */
    public Optional<String> refusal() {
        return refused == null ? Optional.empty() : Optional.ofNullable(refusal);
    }

    public Optional<Topic> topic(String name) {
        return Optional.ofNullable(active.topics().get(name));
    }

    /** The topic when one of the groups may produce to it; empty alike for unknown and forbidden topics. */
    public Optional<Topic> producibleTopic(String name, Collection<String> groups) {
        return topic(name).filter(topic -> topic.admitsAnyOf(groups));
    }

    public Collection<Topic> all() {
        return active.topics().values();
    }

    private Optional<String> file() {
        return catalogueFile == null ? Optional.empty() : catalogueFile.filter(path -> !path.isBlank());
    }

    private static String changes(Map<String, Topic> before, Map<String, Topic> after) {
        List<String> added = after.keySet().stream().filter(name -> !before.containsKey(name)).toList();
        List<String> removed = before.keySet().stream().filter(name -> !after.containsKey(name)).toList();
        List<String> changed = after.keySet().stream()
                .filter(name -> before.containsKey(name) && !Objects.equals(before.get(name), after.get(name))).toList();
        return "added " + added + ", removed " + removed + ", changed " + changed;
    }

    static String hash(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content), 0, 6);
    }

    /**
     * The hash of the catalogue's bytes and of each schema file it lists (path and bytes), so that a
     * changed schema file is a new version as much as a changed catalogue. Without schemas, the hash
     * of the catalogue's bytes alone.
     */
    static String hash(byte[] content, String source) {
        List<Path> files = SchemaFiles.listed(content, folder(source));
        if (files.isEmpty()) {
            return hash(content);
        }
        MessageDigest digest = sha256();
        digest.update(content);
        for (Path file : files) {
            digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
            digest.update(SchemaFiles.readOrEmpty(file));
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 6);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Path folder(String source) {
        Path parent = Path.of(source).toAbsolutePath().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    static TopicCatalogue parse(byte[] content, String source) {
        TopicCatalogue parsed = parse(new ByteArrayInputStream(content), source);
        return new TopicCatalogue(parsed.active.topics(), hash(content, source));
    }

    /** The catalogue; schema files it lists are read relative to the folder of {@code source}. */
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
            Topic topic = topic(list.getJsonObject(i), source, at, folder(source));
            if (topics.putIfAbsent(topic.name(), topic) != null) {
                throw invalid(source, at + ".name '" + topic.name() + "' appears twice");
            }
        }
        return new TopicCatalogue(Map.copyOf(topics), NO_FILE);
    }
    private static Topic topic(JsonObject json, String source, String at, Path folder) {
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
        return new Topic(name, ttl, producers, schemas(json, source, at, folder));
    }

    /** The topic's schemas, each read and compiled; a problem names the catalogue entry and the file. */
    private static TopicSchemas schemas(JsonObject json, String source, String at, Path folder) {
        JsonValue require = json.get("requireSchema");
        if (require != null && require != JsonValue.TRUE && require != JsonValue.FALSE) {
            throw invalid(source, at + ".requireSchema must be true or false");
        }
        boolean required = require == JsonValue.TRUE;
        JsonArray list = json.containsKey("schemas") ? array(json, "schemas", source, at + ".schemas") : JsonValue.EMPTY_JSON_ARRAY;
        if (list.isEmpty()) {
            if (required) {
                throw invalid(source, at + ".requireSchema is true but the topic lists no schemas");
            }
            return TopicSchemas.NONE;
        }
        Map<String, Map<String, Schema>> byRef = new LinkedHashMap<>();
        MessageDigest fingerprint = sha256();
        for (int i = 0; i < list.size(); i++) {
            String entryAt = at + ".schemas[" + i + "]";
            if (!(list.get(i) instanceof JsonObject entry)) {
                throw invalid(source, entryAt + " must be an object");
            }
            unknownFields(entry, SCHEMA_FIELDS, source, entryAt + ".");
            String ref = string(entry, "ref", source, entryAt);
            String version = string(entry, "version", source, entryAt);
            Path file = folder.resolve(string(entry, "file", source, entryAt)).normalize();
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw invalid(source, entryAt + ".file: schema file " + file + " cannot be read (" + e + ")");
            }
            Schema schema;
            try {
                schema = JsonSchemas.compile(content, file);
            } catch (IllegalArgumentException e) {
                throw invalid(source, entryAt + ".file: schema file " + file + " " + e.getMessage());
            }
            if (byRef.computeIfAbsent(ref, r -> new LinkedHashMap<>()).putIfAbsent(version, schema) != null) {
                throw invalid(source, entryAt + " lists ref '" + ref + "' version '" + version + "' a second time");
            }
            fingerprint.update((ref + "\n" + version + "\n").getBytes(StandardCharsets.UTF_8));
            fingerprint.update(content);
        }
        return new TopicSchemas(required, byRef, HexFormat.of().formatHex(fingerprint.digest()));
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
