package dev.pipeline.auth.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptKeySetTest {

    private static final URI SOURCE = URI.create("https://idp.example/jwks");
    private static final Instant FETCHED = Instant.parse("2026-12-05T10:00:00Z");
    private static final JwksMirror.SigningKeys KEYS =
            JwksMirror.signingKeys("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"key-a\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}");

    @TempDir
    Path dir;

    @Test
    void keptKeysAreReadBackForTheirUrlWithTheirFetchTime() throws IOException {
        KeptKeySet kept = new KeptKeySet(dir);
        kept.keep(SOURCE, KEYS, FETCHED);

        KeptKeySet.Kept read = kept.read(SOURCE).orElseThrow();

        assertEquals(Set.of("key-a"), read.keys().keyIds());
        assertEquals(KEYS.jwks(), read.keys().jwks());
        assertEquals(FETCHED, read.fetched());
    }

    @Test
    void keptFileAndTheDirectoryItMadeAreTheOwnersAlone() throws IOException {
        Path made = dir.resolve("made/by/gateway");
        KeptKeySet kept = new KeptKeySet(made);

        kept.keep(SOURCE, KEYS, FETCHED);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.file())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        try (var files = Files.list(made)) {
            assertEquals(1, files.count(), "no temporary file left beside the kept one");
        }
    }

    @Test
    void nothingKeptReadsAsNothing() throws IOException {
        assertEquals(Optional.empty(), new KeptKeySet(dir).read(SOURCE));
    }

    @Test
    void keysKeptForAnotherUrlAreRefused() throws IOException {
        KeptKeySet kept = new KeptKeySet(dir);
        kept.keep(URI.create("https://other-idp.example/jwks"), KEYS, FETCHED);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> kept.read(SOURCE));
        assertTrue(refused.getMessage().contains("other-idp.example"), refused.getMessage());
    }

    @Test
    void keptFileWritableByOthersIsRefused() throws IOException {
        KeptKeySet kept = new KeptKeySet(dir);
        kept.keep(SOURCE, KEYS, FETCHED);
        Files.setPosixFilePermissions(kept.file(), PosixFilePermissions.fromString("rw-rw-rw-"));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> kept.read(SOURCE));
        assertTrue(refused.getMessage().contains("writable by group or others"), refused.getMessage());
    }

    @Test
    void directoryWritableByOthersIsRefused() throws IOException {
        KeptKeySet kept = new KeptKeySet(dir);
        kept.keep(SOURCE, KEYS, FETCHED);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThrows(IllegalArgumentException.class, () -> kept.read(SOURCE));
    }

    @Test
    void keptFileWithoutASigningKeyIsRefused() throws IOException {
        KeptKeySet kept = new KeptKeySet(dir);
        Files.writeString(kept.file(), "{\"source\":\"" + SOURCE + "\",\"fetched\":\"" + FETCHED + "\","
                + "\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}}");
        Files.setPosixFilePermissions(kept.file(), PosixFilePermissions.fromString("rw-------"));

        assertThrows(IllegalArgumentException.class, () -> kept.read(SOURCE));
    }
}
