package dev.pipeline.auth.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Says at start which audiences a token's {@code aud} must name, as Payara's identity store
 * ({@link PayaraJwtStore}) reads {@code mp.jwt.verify.audiences}: split at every comma, each entry
 * compared as written. An entry with white space around it (a list written {@code a, b}) or an
 * empty one matches no real token, so tokens for it would be refused 401 without a word: such
 * entries are named in a warning.
 */
@ApplicationScoped
public class TokenAudiences {

    static final String KEY = "mp.jwt.verify.audiences";
    private static final Logger LOG = Logger.getLogger(TokenAudiences.class.getName());

    void logWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        ConfigProvider.getConfig().getOptionalValue(KEY, String.class).ifPresentOrElse(value -> {
            LOG.info(() -> "A token's aud must name one of " + entries(value) + " (" + KEY + ")");
            warning(value).ifPresent(LOG::warning);
        }, () -> LOG.info(() -> "A token's aud is not checked (" + KEY + " unset)"));
    }

    /** The audiences as Payara's store compares them. */
    static List<String> entries(String value) {
        return List.of(value.split(","));
    }

    /** What is wrong with the entries that no token can match; empty if nothing is. */
    static Optional<String> warning(String value) {
        List<String> unmatchable = entries(value).stream()
                .filter(entry -> entry.isBlank() || !entry.equals(entry.strip()))
                .map(entry -> "'" + entry + "'")
                .toList();
        if (unmatchable.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(KEY + " has the entries " + unmatchable + ", empty or with white space around them: Payara"
                + " compares each entry as written, so tokens for them are refused (401); write the list without spaces");
    }
}
