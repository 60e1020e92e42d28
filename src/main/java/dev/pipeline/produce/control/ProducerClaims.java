package dev.pipeline.produce.control;

import dev.pipeline.problem.InvalidTokenException;
import dev.pipeline.produce.entity.Producer;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.security.Principal;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The producer a verified token speaks for, read from claims as identity providers really send them:
 * a token without {@code groups} (Keycloak without its {@code microprofile-jwt} scope, most OAuth
 * providers) has no groups and so may produce nowhere; {@code groups} as one string is that one
 * group; an {@code imsOrg} that is not a non-empty string makes the token unusable (401), since
 * reading it as absent would let the token speak for any org. Claims the contract does not name
 * ({@code aud}, {@code azp}, {@code scope}, {@code typ}, {@code realm_access}, ...) are ignored.
 */
public final class ProducerClaims {

    static final String IMS_ORG = "imsOrg";

    private ProducerClaims() {
    }

    /** The producer of the request's caller, who must have authenticated with a bearer token. */
    public static Producer producer(Principal caller) {
        if (!(caller instanceof JsonWebToken token) || token.getRawToken() == null) {
            throw new InvalidTokenException("a valid bearer token is required");
        }
        return new Producer(token.getName(), groups(token.getClaim(Claims.groups.name())), imsOrg(token.getClaim(IMS_ORG)));
    }

    /** MP-JWT hands {@code groups} over as a set of strings; other shapes are read as the JSON they are. */
    private static Set<String> groups(Object claim) {
        if (claim == null || claim == JsonValue.NULL) {
            return Set.of();
        }
        if (claim instanceof String group) {
            return Set.of(group);
        }
        if (claim instanceof JsonString group) {
            return Set.of(group.getString());
        }
        if (claim instanceof Collection<?> values) {
            Set<String> groups = new LinkedHashSet<>();
            for (Object value : values) {
                if (value instanceof String group) {
                    groups.add(group);
                } else if (value instanceof JsonString group) {
                    groups.add(group.getString());
                } else {
                    throw new InvalidTokenException("the token's groups claim must list strings only");
                }
            }
            return groups;
        }
        throw new InvalidTokenException("the token's groups claim must be a string or an array of strings");
    }

    private static Optional<String> imsOrg(Object claim) {
        if (claim == null) {
            return Optional.empty();
        }
        String org = claim instanceof String text ? text : claim instanceof JsonString json ? json.getString() : null;
        if (org == null) {
            throw new InvalidTokenException("the token's imsOrg claim must be a string");
        }
        if (org.isBlank()) {
            throw new InvalidTokenException("the token's imsOrg claim must not be empty");
        }
        return Optional.of(org);
    }
}
