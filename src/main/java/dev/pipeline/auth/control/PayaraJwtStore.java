package dev.pipeline.auth.control;

import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Payara's own MicroProfile JWT identity store, called directly: the very code that verifies a
 * token behind {@code @LoginConfig(authMethod = "MP-JWT")} (its {@code mp.jwt.*} keys, RS256/ES256,
 * {@code iss}, {@code exp}, {@code iat}, {@code typ}, required claims, clock skew, the
 * {@code JsonWebToken} it makes), without the per-request JASPIC, Soteria and CDI look-ups of the
 * mechanism around it. Found by name at run time: the classes are Payara's, exported to
 * applications on Payara Micro and Payara Server, and not part of any API the WAR compiles against.
 * Made only once a key and an issuer are configured (its constructor refuses to run without an
 * issuer), with the application's class loader current, as it reads the configuration then.
 */
final class PayaraJwtStore {

    static final String STORE = "fish.payara.microprofile.jwtauth.eesecurity.SignedJWTIdentityStore";
    static final String CREDENTIAL = "fish.payara.microprofile.jwtauth.eesecurity.SignedJWTCredential";

    private final IdentityStore store;
    private final MethodHandle credential;

    private PayaraJwtStore(IdentityStore store, MethodHandle credential) {
        this.store = store;
        this.credential = credential;
    }

    /** Payara's store as the class loader finds it; fails if this runtime has no MicroProfile JWT. */
    static PayaraJwtStore load(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> storeType = Class.forName(STORE, true, loader);
        Class<?> credentialType = Class.forName(CREDENTIAL, true, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        IdentityStore store = (IdentityStore) storeType.getConstructor().newInstance();
        MethodHandle credential = lookup.findConstructor(credentialType, MethodType.methodType(void.class, String.class))
                .asType(MethodType.methodType(Credential.class, String.class));
        return new PayaraJwtStore(store, credential);
    }

    /** What Payara's store finds for this bearer token. */
    CredentialValidationResult validate(String token) {
        Credential signed;
        try {
            signed = (Credential) credential.invokeExact(token);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot wrap a token in " + CREDENTIAL, e);
        }
        return store.validate(signed);
    }
}
