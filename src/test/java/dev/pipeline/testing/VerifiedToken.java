package dev.pipeline.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A token as Payara's MP-JWT hands it to the application once verified (its {@code JsonWebTokenImpl},
 * Payara Micro 6.2025.10): the name is {@code upn}, else {@code preferred_username}, else
 * {@code sub}; a claim the MP-JWT spec types as a set ({@code groups}, {@code aud}) is a set of
 * strings, one string becoming a set of one; a number claim of the spec ({@code exp}, {@code iat})
 * is a Long; any other string is a String; any other value is its JSON-P value.
 */
public final class VerifiedToken implements JsonWebToken {

    private final Map<String, JsonValue> claims;
    private final String name;

    private VerifiedToken(Map<String, JsonValue> claims) {
        this.claims = claims;
        this.name = firstString(claims, Claims.upn, Claims.preferred_username, Claims.sub);
    }

    /** A verified token with these claims, written as a JSON object; the raw token is added. */
    public static VerifiedToken of(String claimsJson) {
        JsonObject parsed = Json.createReader(new StringReader(claimsJson)).readObject();
        Map<String, JsonValue> claims = new LinkedHashMap<>(parsed);
        claims.put(Claims.raw_token.name(), Json.createValue("header.payload.signature"));
        return new VerifiedToken(claims);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Set<String> getClaimNames() {
        return claims.keySet();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String claimName) {
        JsonValue value = claims.get(claimName);
        if (value == null) {
            return null;
        }
        Claims standard = standard(claimName);
        if (standard != null && standard.getType().equals(Long.class)) {
            return (T) (Long) ((JsonNumber) value).longValue();
        }
        if (standard != null && standard.getType().equals(Set.class)) {
            if (value instanceof JsonString single) {
                return (T) Set.of(single.getString());
            }
            Set<String> strings = new LinkedHashSet<>();
            ((JsonArray) value).getValuesAs(JsonString.class).forEach(string -> strings.add(string.getString()));
            return (T) strings;
        }
        return value instanceof JsonString string ? (T) string.getString() : (T) value;
    }

    private static Claims standard(String claimName) {
        try {
            return Claims.valueOf(claimName);
        } catch (IllegalArgumentException notStandard) {
            return null;
        }
    }

    private static String firstString(Map<String, JsonValue> claims, Claims... names) {
        for (Claims claim : names) {
            if (claims.get(claim.name()) instanceof JsonString value) {
                return value.getString();
            }
        }
        return null;
    }
}
