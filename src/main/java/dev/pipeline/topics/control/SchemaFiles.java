package dev.pipeline.topics.control;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The schema files a catalogue's content lists, found without judging the catalogue (that is
 * {@link TopicCatalogue#parse}'s work): what a reload hashes along with the catalogue, so that an
 * edited schema file is noticed although the catalogue itself did not change.
 */
final class SchemaFiles {

    private static final JsonReaderFactory JSON = Json.createReaderFactory(Map.of());

    private SchemaFiles() {
    }

    /** The files in the order listed, resolved against the folder; none if the content is not a catalogue. */
    static List<Path> listed(byte[] catalogue, Path folder) {
        List<Path> files = new ArrayList<>();
        try (var reader = JSON.createReader(new ByteArrayInputStream(catalogue))) {
            JsonValue root = reader.readValue();
            if (!(root instanceof JsonObject object) || !(object.get("topics") instanceof JsonArray topics)) {
                return files;
            }
            for (JsonValue topic : topics) {
                if (topic instanceof JsonObject entry && entry.get("schemas") instanceof JsonArray schemas) {
                    for (JsonValue schema : schemas) {
                        if (schema instanceof JsonObject listed && listed.get("file") instanceof JsonString file) {
                            files.add(folder.resolve(file.getString()).normalize());
                        }
                    }
                }
            }
        } catch (RuntimeException notACatalogue) {
            // parse() names the problem when the content is put in force.
        }
        return files;
    }

    /** The file's bytes, or none when it cannot be read (parse() then names the problem). */
    static byte[] readOrEmpty(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | RuntimeException unreadable) {
            return new byte[0];
        }
    }
}
