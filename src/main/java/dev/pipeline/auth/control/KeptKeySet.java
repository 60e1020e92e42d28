package dev.pipeline.auth.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * The last good signing keys of a JWKS URL, kept in the directory {@code pipeline.jwks.cache-dir}
 * names, so that a gateway restarted while its identity provider is unreachable verifies tokens with
 * the keys it last fetched instead of refusing every one. Only what {@link JwksMirror#signingKeys}
 * let through is kept, together with the URL it came from; a kept set is used only for that same URL,
 * is checked again when read, and is refused if anyone but its owner may change it (the file or its
 * directory writable by group or others), since whoever can write it can sign tokens. Written to a
 * new file, forced to disk and moved over the old one, so that a crash leaves the old set or the new.
 */
final class KeptKeySet {

    static final String FILE_NAME = "jwks-last-good.json";
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    /** A kept key set: the signing keys and when they were fetched. */
    record Kept(JwksMirror.SigningKeys keys, Instant fetched) {
    }

    private final Path directory;

    KeptKeySet(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    Path file() {
        return directory.resolve(FILE_NAME);
    }

    /** Keeps these keys, fetched now from this URL, in place of any kept before. */
    void keep(URI source, JwksMirror.SigningKeys keys, Instant fetched) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, ownerOnly(directory.getParent(), OWNER_ONLY_DIRECTORY));
        }
        String content = Json.createObjectBuilder()
                .add("source", source.toString())
                .add("fetched", fetched.toString())
                .add("jwks", Json.createReader(new StringReader(keys.jwks())).readObject())
                .build().toString();
        Path next = Files.createTempFile(directory, FILE_NAME, ".next", ownerOnly(directory, OWNER_ONLY_FILE));
        try {
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
                channel.write(StandardCharsets.UTF_8.encode(content));
                channel.force(true);
            }
            Files.move(next, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    /**
     * The key set kept for this URL; empty if none was kept. Throws {@link IllegalArgumentException},
     * saying why, for a kept file that must not be trusted or used: writable by others, kept for
     * another URL, or holding no signing key.
     */
    Optional<Kept> read(URI source) throws IOException {
        Path file = file();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        refuseIfWritableByOthers(directory);
        refuseIfWritableByOthers(file);
        JsonObject kept;
        try {
            kept = Json.createReader(new StringReader(Files.readString(file))).readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not a JSON object");
        }
        String keptFor = kept.get("source") instanceof JsonString value ? value.getString() : null;
        if (!source.toString().equals(keptFor)) {
            throw new IllegalArgumentException(file + " holds the keys of " + keptFor + ", not of " + source);
        }
        if (!(kept.get("jwks") instanceof JsonObject jwks) || !(kept.get("fetched") instanceof JsonString fetched)) {
            throw new IllegalArgumentException(file + " has no \"jwks\" object or no \"fetched\" time");
        }
        try {
            return Optional.of(new Kept(JwksMirror.signingKeys(jwks.toString()), Instant.parse(fetched.getString())));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(file + " has no valid \"fetched\" time");
        }
    }

    private static void refuseIfWritableByOthers(Path path) throws IOException {
        if (posix(path) && Files.getPosixFilePermissions(path).stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
            throw new IllegalArgumentException(path + " is writable by group or others ("
                    + PosixFilePermissions.toString(Files.getPosixFilePermissions(path)) + "): not trusted");
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path where, Set<PosixFilePermission> permissions) throws IOException {
        return where != null && posix(where) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }

    private static boolean posix(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }
}
