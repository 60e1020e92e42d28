package dev.pipeline.topics.entity;

import com.networknt.schema.Schema;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The JSON Schemas a topic's messages may name, compiled once when the catalogue is read: per
 * {@code schemaRef}, its versions in the order the catalogue lists them (the last is the newest).
 * Two are equal when read from the same bytes, so that a reload names only topics that changed.
 *
 * @param required    whether every message must name one of them
 * @param byRef       per ref, per version, the compiled schema
 * @param fingerprint a hash of what they were compiled from
 */
public record TopicSchemas(boolean required, Map<String, Map<String, Schema>> byRef, String fingerprint) {

    public static final TopicSchemas NONE = new TopicSchemas(false, Map.of(), "");

    public TopicSchemas {
        Map<String, Map<String, Schema>> copy = new LinkedHashMap<>();
        byRef.forEach((ref, versions) -> copy.put(ref, Collections.unmodifiableMap(new LinkedHashMap<>(versions))));
        byRef = Collections.unmodifiableMap(copy);
    }

    /** No schemas: messages are not validated beyond the envelope. */
    public boolean isEmpty() {
        return byRef.isEmpty();
    }

    public Optional<Schema> schema(String ref, String version) {
        return Optional.ofNullable(byRef.getOrDefault(ref, Map.of()).get(version));
    }

    /** The version listed last for the ref. */
    public Optional<String> newestVersion(String ref) {
        Map<String, Schema> versions = byRef.get(ref);
        if (versions == null || versions.isEmpty()) {
            return Optional.empty();
        }
        List<String> listed = List.copyOf(versions.keySet());
        return Optional.of(listed.get(listed.size() - 1));
    }

    public List<String> versions(String ref) {
        return List.copyOf(byRef.getOrDefault(ref, Map.of()).keySet());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicSchemas schemas && required == schemas.required && fingerprint.equals(schemas.fingerprint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(required, fingerprint);
    }

    @Override
    public String toString() {
        return "TopicSchemas[required=" + required + ", refs=" + byRef.keySet() + "]";
    }
}
