package dev.pipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Catalogues with schema files, written to a test's folder: the schemas of src/test/resources/schemas. */
public final class SchemaCatalogues {

    public static final String ORDER_REF = "https://schemas.example.com/order";

    /** Topic "orders" listing order version 1 (draft-07) and 2 (2020-12), schemas required when {@code required}. */
    public static String orders(boolean required) {
        return """
                { "topics": [
                  { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"], "requireSchema": %s,
                    "schemas": [ { "ref": "%2$s", "version": "1", "file": "schemas/order-1.json" },
                                 { "ref": "%2$s", "version": "2", "file": "schemas/order-2.json" } ] },
                  { "name": "clicks", "ttl": "PT10M", "producers": ["clicks-writer"] } ] }
                """.formatted(required, ORDER_REF);
    }

    /** Copies the test schemas to {@code folder/schemas/} and writes the catalogue as {@code folder/topics.json}. */
    public static Path write(Path folder, String catalogue) {
        copySchemas(folder);
        try {
            return Files.writeString(folder.resolve("topics.json"), catalogue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the test schemas to {@code folder/schemas/}: {@code order-1.json} (draft-07) and {@code order-2.json} (2020-12). */
    public static void copySchemas(Path folder) {
        try {
            Files.createDirectories(folder.resolve("schemas"));
            for (String name : new String[] {"order-1.json", "order-2.json"}) {
                try (InputStream schema = SchemaCatalogues.class.getResourceAsStream("/schemas/" + name)) {
                    Files.write(folder.resolve("schemas").resolve(name), schema.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid order document of about 1 KB for schema order version 2. */
    public static String order() {
        try (InputStream order = SchemaCatalogues.class.getResourceAsStream("/schemas/order.json")) {
            return new String(order.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SchemaCatalogues() {
    }
}
