package dev.pipeline.auth.control;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps a local copy of the JWKS at the configured {@code mp.jwt.verify.publickey.location} URL,
 * which Payara's MP-JWT reads instead of the URL ({@link JwksLocationSource}). Fetched at start,
 * every {@code pipeline.jwks.refresh-interval} (default 1 minute), and at once when a token names a
 * {@code kid} the copy lacks (at most once per {@link #UNKNOWN_KID_REFETCH_MILLIS}, so that made-up
 * key ids cannot hammer the identity provider). The copy holds only the keys that verify RS256 or
 * ES256 signatures ({@link #signingKeys}). A failed or invalid fetch keeps the last good keys.
 * Each change of the keys fires {@link KeysChanged}, so that no token verified with a removed key
 * stays remembered.
 *
 * <p>A gateway that starts while the URL is unreachable has no keys: it would answer every producer
 * 401, which producers take as final. So until it has a key set it is not ready
 * ({@code SigningKeysReadiness}) and answers tokens 503 with Retry-After ({@link BearerTokens}), and
 * it fetches again every {@link #UNKNOWN_KID_REFETCH_MILLIS}. With {@code pipeline.jwks.cache-dir}
 * set it also keeps each new key set on disk ({@link KeptKeySet}) and, when the URL gives none at
 * start, uses the kept one: the keys of its last good fetch before the restart. Kept only where the
 * operator said, because whoever can write that file can sign tokens.
 */
@ApplicationScoped
public class JwksMirror {

    static final long UNKNOWN_KID_REFETCH_MILLIS = 5_000;
    static final String DEFAULT_REFRESH_INTERVAL = "PT1M";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(3);
    private static final Logger LOG = Logger.getLogger(JwksMirror.class.getName());
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    private static volatile Path file;

    /** The keys of the copy changed: tokens verified before may have been verified with a key now gone. */
    public record KeysChanged(Set<String> keyIds) {
    }

    @Inject
    @ConfigProperty(name = "pipeline.jwks.refresh-interval", defaultValue = DEFAULT_REFRESH_INTERVAL)
    String refreshInterval;

    @Inject
    @ConfigProperty(name = "pipeline.jwks.cache-dir")
    Optional<String> cacheDir;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Event<KeysChanged> changes;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private Consumer<KeysChanged> onChange;
    private LongSupplier clockMillis = System::currentTimeMillis;
    private Optional<URI> source = Optional.empty();
    private Optional<KeptKeySet> kept = Optional.empty();
    private long refreshMillis;
    /** When {@link #refreshWhenDue} last fetched. */
    private long lastRefreshMillis;
    private volatile Set<String> keyIds = Set.of();
    private volatile String content;
    private long lastUnknownKidFetchMillis = Long.MIN_VALUE / 2;
    private Instant lastGood;
    /** Whether the keys in force were kept on disk after they were fetched (false: try again at the next fetch). */
    private boolean keptNow;
    private boolean failing;
    private ScheduledFuture<?> refreshing;

    /** The local copy Payara reads; made once per deployment, with no keys until the first fetch. */
    static Path file() {
        Path found = file;
        if (found == null) {
            synchronized (JwksMirror.class) {
                found = file;
                if (found == null) {
                    try {
                        found = Files.createTempFile("pipeline-jwks-", ".json");
                        Files.writeString(found, "{\"keys\":[]}");
                        found.toFile().deleteOnExit();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot create the local copy of the JWKS", e);
                    }
                    file = found;
                }
            }
        }
        return found;
    }

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        source = JwksLocationSource.configuredUrl().map(URI::create);
        if (source.isEmpty()) {
            return;
        }
        kept = cacheDir.filter(dir -> !dir.isBlank()).map(dir -> new KeptKeySet(Path.of(dir.trim())));
        LOG.info(() -> "Tokens are verified with a local copy (" + file() + ") of the JWKS at " + source.get()
                + ", fetched every " + refreshInterval + " and when a token names an unknown kid"
                + kept.map(k -> "; the last good key set is kept in " + k.file()).orElse("; no key set is kept across restarts"
                        + " (pipeline.jwks.cache-dir unset)"));
        start();
        refreshMillis = Duration.parse(refreshInterval).toMillis();
        long every = Math.min(refreshMillis, UNKNOWN_KID_REFETCH_MILLIS);
        refreshing = scheduler.scheduleWithFixedDelay(this::refreshWhenDue, every, every, TimeUnit.MILLISECONDS);
    }

    /** The first fetch; the kept key set if it gives none. */
    void start() {
        lastRefreshMillis = clockMillis.getAsLong();
        fetch();
        if (content == null) {
            useKeptKeys();
        }
    }

    /**
     * Fetches every refresh interval, and every few seconds while there is no key set at all. The
     * interval counts from the last scheduled fetch: a fetch for an unknown kid does not put the next
     * one off (a removed key must stop being accepted within the interval).
     */
    void refreshWhenDue() {
        long now = clockMillis.getAsLong();
        if (content == null || now - lastRefreshMillis >= refreshMillis) {
            lastRefreshMillis = now;
            fetch();
        }
    }

    /** The key set kept on disk, put in force because the URL gave none at start. */
    private void useKeptKeys() {
        if (kept.isEmpty()) {
            LOG.warning(() -> "No signing keys: the JWKS " + source.orElseThrow() + " gave none at start and no key set is kept"
                    + " (pipeline.jwks.cache-dir unset); not ready, tokens are answered 503 until a fetch succeeds");
            return;
        }
        KeptKeySet keptKeys = kept.get();
        Optional<KeptKeySet.Kept> found;
        try {
            found = keptKeys.read(source.orElseThrow());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning(() -> "The kept key set " + keptKeys.file() + " is not used (" + e.getMessage() + "); not ready,"
                    + " tokens are answered 503 until a fetch of " + source.orElseThrow() + " succeeds");
            return;
        }
        if (found.isEmpty()) {
            LOG.warning(() -> "No signing keys: the JWKS " + source.orElseThrow() + " gave none at start and " + keptKeys.file()
                    + " does not exist yet; not ready, tokens are answered 503 until a fetch succeeds");
            return;
        }
        KeptKeySet.Kept keys = found.get();
        LOG.warning(() -> "The JWKS " + source.orElseThrow() + " gave no keys at start: the keys " + keys.keys().keyIds()
                + " fetched at " + keys.fetched() + " and kept in " + keptKeys.file() + " are in use until a fetch succeeds");
        lastGood = keys.fetched();
        putInForce(keys.keys(), false);
    }

    @PreDestroy
    void stop() {
        if (refreshing != null) {
            refreshing.cancel(false);
        }
    }

    /** Whether the keys are copied from a JWKS URL. */
    public boolean mirrors() {
        return source.isPresent();
    }

    /** Whether a key set is in force: always once one was fetched, or read from the kept copy at start. */
    public boolean hasKeys() {
        return content != null;
    }

    /** The JWKS URL the keys are copied from, if any. */
    public Optional<URI> source() {
        return source;
    }

    public Set<String> keyIds() {
        return keyIds;
    }

    /**
     * Fetches the JWKS now if a token names a key id the copy lacks (or names none while the copy has
     * no key at all), unless a token did so less than {@link #UNKNOWN_KID_REFETCH_MILLIS} ago.
     * Returns once the copy is current, so that the token can be verified with the new key.
     */
    public void refreshFor(String token) {
        if (source.isEmpty()) {
            return;
        }
        String kid = keyId(token);
        if (knows(kid)) {
            return;
        }
        synchronized (this) {
            if (knows(kid)) {
                return;
            }
            long now = clockMillis.getAsLong();
            if (now - lastUnknownKidFetchMillis < UNKNOWN_KID_REFETCH_MILLIS) {
                return;
            }
            lastUnknownKidFetchMillis = now;
            fetch();
        }
    }

    /** A token without a kid is verified with the first key: known once there is a key set at all. */
    private boolean knows(String kid) {
        return kid == null ? content != null : keyIds.contains(kid);
    }

    /** Fetches the JWKS and puts it in force if it is valid and changed; keeps the last good keys otherwise. */
    synchronized void fetch() {
        URI uri = source.orElseThrow();
        String fetched;
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                failed("answered " + response.statusCode());
                return;
            }
            fetched = response.body();
        } catch (IOException e) {
            failed(e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        SigningKeys keys;
        try {
            keys = signingKeys(fetched);
        } catch (IllegalArgumentException e) {
            failed("sent no usable key set: " + e.getMessage());
            return;
        }
        if (failing) {
            LOG.info(() -> "JWKS " + uri + " fetched again");
            failing = false;
        }
        lastGood = Instant.ofEpochMilli(clockMillis.getAsLong());
        if (keys.jwks().equals(content) && keptNow) {
            return;
        }
        keptNow = keep(uri, keys, lastGood);
        if (!keys.jwks().equals(content)) {
            putInForce(keys, true);
        }
    }

    /** Keeps the keys on disk if a directory is configured; whether they are kept now (or need not be). */
    private boolean keep(URI uri, SigningKeys keys, Instant fetched) {
        if (kept.isEmpty()) {
            return true;
        }
        try {
            kept.get().keep(uri, keys, fetched);
            return true;
        } catch (IOException e) {
            LOG.warning(() -> "The key set of " + uri + " could not be kept in " + kept.get().file() + " (" + e
                    + "); a restart while the JWKS is unreachable would find older keys or none");
            return false;
        }
    }

    private void putInForce(SigningKeys keys, boolean fetchedNow) {
        write(keys.jwks());
        Set<String> before = keyIds;
        content = keys.jwks();
        keyIds = keys.keyIds();
        LOG.info(() -> "JWKS " + source.orElseThrow() + " keys in use: " + keys.keyIds() + " (were " + before + ")"
                + (fetchedNow ? "" : ", read from the kept copy")
                + (keys.leftOut() == 0 ? "" : "; " + keys.leftOut() + " key(s) that verify no RS256 or ES256 signature left out"));
        KeysChanged changed = new KeysChanged(keys.keyIds());
        if (onChange != null) {
            onChange.accept(changed);
        } else {
            changes.fire(changed);
        }
    }

    private void failed(String why) {
        if (!failing) {
            failing = true;
            LOG.warning(() -> "JWKS " + source.orElseThrow() + " could not be fetched (" + why + "); "
                    + (content == null ? "no keys yet"
                            : "the keys " + keyIds + (lastGood == null ? "" : " fetched at " + lastGood) + " stay in use"));
        }
    }

    private static void write(String jwks) {
        Path target = file();
        try {
            Path next = Files.writeString(target.resolveSibling(target.getFileName() + ".next"), jwks);
            Files.move(next, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local copy of the JWKS " + target, e);
        }
    }

    /**
     * The keys of a JWKS that can verify a token's signature, as the copy Payara reads: identity
     * providers also publish encryption keys ({@code use: enc}, Keycloak's RSA-OAEP key first of
     * all) and other key types, and Payara verifies with whichever key has the token's {@code kid},
     * takes the first key for a token without one, and fails on a key without a {@code kid} it
     * meets while looking. Keys with a {@code kid} come first.
     */
    record SigningKeys(String jwks, Set<String> keyIds, int leftOut) {
    }

    /** The signing keys of a JWKS; a JWKS without any, or anything else, is refused. */
    static SigningKeys signingKeys(String jwks) {
        JsonObject root;
        try {
            root = Json.createReader(new StringReader(jwks)).readObject();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!(root.get("keys") instanceof JsonArray keys) || keys.isEmpty()) {
            throw new IllegalArgumentException("no \"keys\" array with at least one key");
        }
        JsonArrayBuilder named = Json.createArrayBuilder();
        JsonArrayBuilder unnamed = Json.createArrayBuilder();
        Set<String> ids = new LinkedHashSet<>();
        int usable = 0;
        for (JsonValue key : keys) {
            if (!(key instanceof JsonObject jwk) || !verifiesSignatures(jwk)) {
                continue;
            }
            usable++;
            if (jwk.get("kid") instanceof JsonString kid) {
                ids.add(kid.getString());
                named.add(jwk);
            } else {
                unnamed.add(jwk);
            }
        }
        if (usable == 0) {
            throw new IllegalArgumentException("none of its " + keys.size() + " key(s) verifies RS256 or ES256 signatures");
        }
        JsonArray copied = named.addAll(unnamed).build();
        return new SigningKeys(Json.createObjectBuilder().add("keys", copied).build().toString(), Set.copyOf(ids),
                keys.size() - usable);
    }

    /**
     * An RSA key for RS256 or an EC P-256 key for ES256 (the algorithms MP-JWT accepts), meant for
     * signatures ({@code use} and {@code key_ops} absent or saying so), with its public parameters.
     */
    private static boolean verifiesSignatures(JsonObject jwk) {
        if (jwk.containsKey("use") && !"sig".equals(string(jwk, "use"))) {
            return false;
        }
        if (jwk.containsKey("key_ops") && !(jwk.get("key_ops") instanceof JsonArray ops && ops.contains(Json.createValue("verify")))) {
            return false;
        }
        if (jwk.containsKey("kid") && string(jwk, "kid") == null) {
            return false;
        }
        String alg = string(jwk, "alg");
        return switch (String.valueOf(string(jwk, "kty"))) {
            case "RSA" -> (alg == null || alg.equals("RS256")) && string(jwk, "n") != null && string(jwk, "e") != null;
            case "EC" -> (alg == null || alg.equals("ES256")) && "P-256".equals(string(jwk, "crv"))
                    && string(jwk, "x") != null && string(jwk, "y") != null;
            default -> false;
        };
    }

    private static String string(JsonObject jwk, String member) {
        return jwk.get(member) instanceof JsonString value ? value.getString() : null;
    }

    /** The {@code kid} in the token's header; null if it names none or is not a JWT. */
    static String keyId(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try {
            JsonObject header = Json.createReader(new StringReader(
                    new String(BASE64URL.decode(token.substring(0, dot)), StandardCharsets.UTF_8))).readObject();
            return header.get("kid") instanceof JsonString kid ? kid.getString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** For tests: a mirror of this URI on this clock, telling its changes to {@code onChange}. */
    static JwksMirror of(URI uri, LongSupplier clockMillis, Consumer<KeysChanged> onChange) {
        return of(uri, clockMillis, onChange, null);
    }

    /** Likewise, keeping its key sets in this directory (none if null). */
    static JwksMirror of(URI uri, LongSupplier clockMillis, Consumer<KeysChanged> onChange, Path cacheDir) {
        JwksMirror mirror = new JwksMirror();
        mirror.source = Optional.of(uri);
        mirror.kept = Optional.ofNullable(cacheDir).map(KeptKeySet::new);
        mirror.refreshMillis = Duration.parse(DEFAULT_REFRESH_INTERVAL).toMillis();
        mirror.clockMillis = clockMillis;
        mirror.lastRefreshMillis = clockMillis.getAsLong();
        mirror.onChange = onChange;
        return mirror;
    }
}
