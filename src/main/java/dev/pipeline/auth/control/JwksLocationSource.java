package dev.pipeline.auth.control;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points Payara's MP-JWT at the local copy {@link JwksMirror} keeps of a JWKS that the operator
 * configured as an {@code http:} or {@code https:} URL: Payara fetches such a URL itself only every
 * 5 minutes (or as the response's {@code max-age} says), never for an unknown {@code kid}, without
 * timeouts, and refuses every token while the URL is unreachable. For any other location (a PEM
 * file, a classpath resource) this source has no value and Payara reads the operator's.
 * Ordinal 450: above system properties (400), so that it wins over the operator's own setting.
 */
public class JwksLocationSource implements ConfigSource {

    static final String KEY = "mp.jwt.verify.publickey.location";
    private static final int ORDINAL = 450;
    private static final ThreadLocal<Boolean> LOOKING_UP = ThreadLocal.withInitial(() -> false);

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public String getValue(String propertyName) {
        if (!KEY.equals(propertyName) || LOOKING_UP.get()) {
            return null;
        }
        return configuredUrl().map(url -> JwksMirror.file().toUri().toString()).orElse(null);
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }

    @Override
    public String getName() {
        return "pipeline-jwks-mirror";
    }

    /** The JWKS URL as the operator configured it, if the key names an {@code http:} or {@code https:} URL. */
    static Optional<String> configuredUrl() {
        LOOKING_UP.set(true);
        try {
            return StreamSupport.stream(ConfigProvider.getConfig().getConfigSources().spliterator(), false)
                    .filter(source -> !(source instanceof JwksLocationSource))
                    .map(source -> source.getValue(KEY))
                    .filter(value -> value != null && !value.isBlank())
                    .findFirst()
                    .map(String::trim)
                    .filter(value -> value.startsWith("http://") || value.startsWith("https://"));
        } finally {
            LOOKING_UP.set(false);
        }
    }
}
