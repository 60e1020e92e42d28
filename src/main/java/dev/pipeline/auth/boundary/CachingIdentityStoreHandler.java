package dev.pipeline.auth.boundary;

import dev.pipeline.auth.control.JwksMirror;
import dev.pipeline.auth.control.RejectedTokenLog;
import dev.pipeline.auth.control.VerifiedTokens;
import dev.pipeline.configuration.control.RequiredConfiguration;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import jakarta.security.enterprise.identitystore.IdentityStore.ValidationType;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * The identity store handler of Jakarta Security, as the container's default runs it (stores in
 * priority order, the first VALID result wins, groups added by group-only stores), with one
 * addition: a bearer token that MP-JWT's identity store found VALID is remembered in
 * {@link VerifiedTokens}, so that the next requests with the very same token skip parsing and the
 * RSA signature check, which profiles showed as the largest part of a request's cost. A token naming
 * a key id the JWKS copy lacks has the copy refreshed first ({@link JwksMirror}), and a change of
 * the keys forgets every remembered token.
 * Rejected tokens are never remembered: each is checked again. Without a key and issuer configured
 * every token is refused here, without asking MP-JWT's store, which would fail with a 500 for want
 * of an issuer.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION)
@ApplicationScoped
public class CachingIdentityStoreHandler implements IdentityStoreHandler {

    static final int MAX_TOKENS = 10_000;
    /** A remembered token is verified again after this long, so that a new key or issuer applies soon. */
    static final long MAX_AGE_MILLIS = TimeUnit.SECONDS.toMillis(60);
    /** The credential Payara's MP-JWT hands to identity stores; its token is the cache key. */
    private static final String PAYARA_JWT_CREDENTIAL = "fish.payara.microprofile.jwtauth.eesecurity.SignedJWTCredential";
    private static final Logger LOG = Logger.getLogger(CachingIdentityStoreHandler.class.getName());

    private static final Metadata CHECKS = Metadata.builder().withName("pipeline_token_checks")
            .withDescription("Bearer token checks, by result: verified (signature and claims checked), "
                    + "remembered (the same token verified before), refused").build();

    @Inject
    @Any
    Instance<IdentityStore> stores;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    RequiredConfiguration configuration;

    @Inject
    RejectedTokenLog rejections;

    @Inject
    JwksMirror keys;

    private final VerifiedTokens<CredentialValidationResult> verified =
            new VerifiedTokens<>(MAX_TOKENS, MAX_AGE_MILLIS, System::currentTimeMillis);
    private final AtomicLong keyChanges = new AtomicLong();
    private volatile MethodHandle tokenOfCredential;
    /** The identity stores in priority order, found once, as the container's default handler does. */
    private volatile List<IdentityStore> ordered;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!configuration.verifiesTokens()) {
            count("refused");
            rejections.refused("no key or issuer to verify it with is configured");
            return CredentialValidationResult.INVALID_RESULT;
        }
        String token = token(credential);
        if (token != null) {
            CredentialValidationResult known = verified.get(token);
            if (known != null) {
                count("remembered");
                return known;
            }
        }
        if (token != null) {
            keys.refreshFor(token);
        }
        long keysBefore = keyChanges.get();
        CredentialValidationResult result = validateWithStores(credential);
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            count("refused");
            rejections.refused("the identity stores found it " + result.getStatus());
            return result;
        }
        count("verified");
        // Verified with keys that changed meanwhile: perhaps with a key now gone, so not remembered.
        if (token != null && keyChanges.get() == keysBefore && result.getCallerPrincipal() instanceof JsonWebToken jwt) {
            verified.put(token, jwt.getExpirationTime(), result);
        }
        return result;
    }

    /** A token verified with a key that is no longer published must be verified again, and fail. */
    void forgetVerifiedTokens(@Observes JwksMirror.KeysChanged change) {
        keyChanges.incrementAndGet();
        verified.clear();
    }

    private void count(String result) {
        registry.counter(CHECKS, new Tag("result", result)).inc();
    }

    private CredentialValidationResult validateWithStores(Credential credential) {
        List<IdentityStore> ordered = orderedStores();
        CredentialValidationResult valid = null;
        IdentityStore validating = null;
        boolean invalid = false;
        for (IdentityStore store : ordered) {
            if (!store.validationTypes().contains(ValidationType.VALIDATE)) {
                continue;
            }
            CredentialValidationResult result = store.validate(credential);
            if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                valid = result;
                validating = store;
                break;
            }
            invalid |= result.getStatus() == CredentialValidationResult.Status.INVALID;
        }
        if (valid == null) {
            return invalid ? CredentialValidationResult.INVALID_RESULT : CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        Set<String> groups = new HashSet<>();
        if (validating.validationTypes().contains(ValidationType.PROVIDE_GROUPS)) {
            groups.addAll(valid.getCallerGroups());
        }
        for (IdentityStore store : ordered) {
            if (store.validationTypes().equals(Set.of(ValidationType.PROVIDE_GROUPS))) {
                groups.addAll(store.getCallerGroups(valid));
            }
        }
        return new CredentialValidationResult(valid.getIdentityStoreId(), valid.getCallerPrincipal(),
                valid.getCallerDn(), valid.getCallerUniqueId(), groups);
    }

    private List<IdentityStore> orderedStores() {
        List<IdentityStore> found = ordered;
        if (found == null) {
            found = stores.stream().sorted(Comparator.comparingInt(IdentityStore::priority)).toList();
            ordered = found;
        }
        return found;
    }

    /** The bearer token inside Payara's MP-JWT credential; null for any other credential (never cached). */
    private String token(Credential credential) {
        if (!credential.getClass().getName().equals(PAYARA_JWT_CREDENTIAL)) {
            return null;
        }
        try {
            MethodHandle getter = tokenOfCredential;
            if (getter == null) {
                getter = MethodHandles.publicLookup().findVirtual(credential.getClass(), "getSignedJWT",
                        MethodType.methodType(String.class));
                tokenOfCredential = getter;
            }
            return (String) getter.invoke(credential);
        } catch (Throwable e) {
            LOG.fine(() -> "No token in " + credential.getClass().getName() + ", not cached: " + e);
            return null;
        }
    }
}
