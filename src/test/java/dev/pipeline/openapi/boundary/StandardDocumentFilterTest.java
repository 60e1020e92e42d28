package dev.pipeline.openapi.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StandardDocumentFilterTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "http://localhost:8080/pipeline, /pipeline",
            "https://gateway.example:8181/pipeline, /pipeline",
            "http://localhost:8080, /",
            "http://localhost:8080/, /",
            "/pipeline, /pipeline",
            "'https://{host}/pipeline', 'https://{host}/pipeline'"})
    void serverUrlKeepsOnlyThePathRelativeToTheServingHost(String payaras, String served) {
        assertEquals(served, StandardDocumentFilter.path(payaras));
    }
}
