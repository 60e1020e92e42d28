package dev.pipeline.configuration.control;

import dev.pipeline.configuration.entity.MissingSetting;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The keys nothing may default: the key and issuer that verify tokens, and the topic catalogue.
 * The WAR ships none of them, so that a drop-in trusts no key and serves no topic that nobody
 * configured. Without them it still deploys, with readiness DOWN naming what is missing and
 * produce requests answered 503 or 401: a failed deployment would answer 404 pages, report only
 * "No Application deployed" (liveness too, so restarts that cannot help), and beside other
 * applications leave the server's readiness to theirs.
 */
@ApplicationScoped
public class RequiredConfiguration {

    public static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    public static final String PUBLIC_KEY = "mp.jwt.verify.publickey";
    public static final String ISSUER = "mp.jwt.verify.issuer";
    public static final String TOPICS_FILE = "pipeline.topics.file";
    private static final Logger LOG = Logger.getLogger(RequiredConfiguration.class.getName());

    private List<MissingSetting> missing;

    public RequiredConfiguration() {
    }

    RequiredConfiguration(List<MissingSetting> missing) {
        this.missing = List.copyOf(missing);
    }

    @PostConstruct
    void read() {
        missing = missing(key -> ConfigProvider.getConfig().getOptionalValue(key, String.class));
    }

    void logWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        missing.forEach(setting -> LOG.severe(setting.logLine()));
    }

    /** What is missing, given how to look a key up (MicroProfile Config reads an empty value as unset). */
    static List<MissingSetting> missing(Function<String, Optional<String>> config) {
        List<MissingSetting> missing = new ArrayList<>();
        if (absent(config, PUBLIC_KEY_LOCATION) && absent(config, PUBLIC_KEY)) {
            missing.add(new MissingSetting(PUBLIC_KEY_LOCATION, List.of(PUBLIC_KEY),
                    "no bearer token is accepted (401)"));
        }
        if (absent(config, ISSUER)) {
            missing.add(new MissingSetting(ISSUER, List.of(), "no bearer token is accepted (401)"));
        }
        if (absent(config, TOPICS_FILE)) {
            missing.add(new MissingSetting(TOPICS_FILE, List.of(), "there are no topics, every produce request is answered 503"));
        }
        return List.copyOf(missing);
    }

    private static boolean absent(Function<String, Optional<String>> config, String key) {
        return config.apply(key).filter(value -> !value.isBlank()).isEmpty();
    }

    public List<MissingSetting> missing() {
        return missing;
    }

    public boolean isComplete() {
        return missing.isEmpty();
    }

    /** Whether a token can be verified at all; Payara's MP-JWT store fails with a 500 without an issuer. */
    public boolean verifiesTokens() {
        return missing.stream().noneMatch(setting -> setting.key().equals(PUBLIC_KEY_LOCATION) || setting.key().equals(ISSUER));
    }
}
