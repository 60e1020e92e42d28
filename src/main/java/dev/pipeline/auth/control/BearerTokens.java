package dev.pipeline.auth.control;

import dev.pipeline.configuration.control.RequiredConfiguration;
import dev.pipeline.problem.UnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Verifies bearer tokens with Payara's MicroProfile JWT identity store ({@link PayaraJwtStore}) and
 * remembers the ones it found valid in {@link VerifiedTokens}, so that the next requests with the
 * very same token skip parsing and the signature check. A token naming a key id the JWKS copy
 * lacks has the copy refreshed first ({@link JwksMirror}), and a change of the keys forgets every
 * remembered token. Rejected tokens are never remembered: each is checked again. Without a key and
 * issuer configured every token is refused here, without asking Payara's store, which cannot be
 * made without an issuer. While a configured JWKS URL has given no key set yet, a token is neither
 * valid nor invalid: it is answered 503 with Retry-After, which producers retry, not 401, which
 * they take as final.
 */
@ApplicationScoped
public class BearerTokens {

    static final int MAX_TOKENS = 10_000;
    /** A remembered token is verified again after this long, so that a new key or issuer applies soon. */
    static final long MAX_AGE_MILLIS = TimeUnit.SECONDS.toMillis(60);
    /** The JWKS is fetched again this often while there are no keys. */
    static final int NO_KEYS_RETRY_AFTER_SECONDS = (int) TimeUnit.MILLISECONDS.toSeconds(JwksMirror.UNKNOWN_KID_REFETCH_MILLIS);
    private static final Logger LOG = Logger.getLogger(BearerTokens.class.getName());

    private static final Metadata CHECKS = Metadata.builder().withName("pipeline_token_checks")
            .withDescription("Bearer token checks, by result: verified (signature and claims checked), "
                    + "remembered (the same token verified before), refused, unverifiable (no signing keys yet)").build();

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    RequiredConfiguration configuration;

    @Inject
    RejectedTokenLog rejections;

    @Inject
    JwksMirror keys;

    private final VerifiedTokens<JsonWebToken> verified =
            new VerifiedTokens<>(MAX_TOKENS, MAX_AGE_MILLIS, System::currentTimeMillis);
    private final AtomicLong keyChanges = new AtomicLong();
    private volatile PayaraJwtStore store;
    private volatile boolean storeMissing;

    /** The caller the token speaks for if it is valid; empty (and counted, and noted) if it is not. */
    public Optional<JsonWebToken> verify(String token) {
        if (!configuration.verifiesTokens()) {
            return refused("no key or issuer to verify it with is configured");
        }
        JsonWebToken known = verified.get(token);
        if (known != null) {
            count("remembered");
            return Optional.of(known);
        }
        PayaraJwtStore payara = store();
        if (payara == null) {
            return refused("this runtime has no MicroProfile JWT identity store (" + PayaraJwtStore.STORE + ")");
        }
        keys.refreshFor(token);
        if (keys.mirrors() && !keys.hasKeys()) {
            count("unverifiable");
            throw new UnavailableException("The identity provider's signing keys could not be loaded yet; retry later.",
                    NO_KEYS_RETRY_AFTER_SECONDS);
        }
        long keysBefore = keyChanges.get();
        CredentialValidationResult result;
        try {
            result = payara.validate(token);
        } catch (RuntimeException e) {
            return refused("the identity store failed on it: " + e);
        }
        if (result.getStatus() != CredentialValidationResult.Status.VALID
                || !(result.getCallerPrincipal() instanceof JsonWebToken jwt)) {
            return refused("the identity store found it " + result.getStatus());
        }
        count("verified");
        // Verified with keys that changed meanwhile: perhaps with a key now gone, so not remembered.
        if (keyChanges.get() == keysBefore) {
            verified.put(token, jwt.getExpirationTime(), jwt);
        }
        return Optional.of(jwt);
    }

    /** A token verified with a key that is no longer published must be verified again, and fail. */
    void forgetVerifiedTokens(@Observes JwksMirror.KeysChanged change) {
        keyChanges.incrementAndGet();
        verified.clear();
    }

    private Optional<JsonWebToken> refused(String reason) {
        count("refused");
        rejections.refused(reason);
        return Optional.empty();
    }

    private void count(String result) {
        registry.counter(CHECKS, new Tag("result", result)).inc();
    }

    private PayaraJwtStore store() {
        PayaraJwtStore found = store;
        if (found != null || storeMissing) {
            return found;
        }
        synchronized (this) {
            if (store == null && !storeMissing) {
                try {
                    store = PayaraJwtStore.load(Thread.currentThread().getContextClassLoader());
                } catch (ReflectiveOperationException | LinkageError e) {
                    storeMissing = true;
                    LOG.log(Level.SEVERE, "Every bearer token is refused: Payara's MicroProfile JWT identity store "
                            + PayaraJwtStore.STORE + " cannot be loaded", e);
                }
            }
            return store;
        }
    }
}
