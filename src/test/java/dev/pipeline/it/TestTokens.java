package dev.pipeline.it;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens for the integration tests, signed with a key pair made for this test run only; the
 * gateway under test verifies them with the public half, written to a file.
 */
final class TestTokens {

    static final String ISSUER = "https://issuer.pipeline.test";
    private static final KeyPair KEYS = generate();
    private static final KeyPair FOREIGN_KEYS = generate();
    /** A second key of the same issuer, as after a key rotation. */
    private static final KeyPair SECOND_KEYS = generate();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private JsonObjectBuilder claims = Json.createObjectBuilder();
    private String algorithm = "RS256";
    private PrivateKey signingKey = KEYS.getPrivate();
    private String keyId;

    private TestTokens(List<String> groups) {
        Instant now = Instant.now();
        JsonArrayBuilder groupArray = Json.createArrayBuilder();
        groups.forEach(groupArray::add);
        claims.add("iss", ISSUER).add("sub", "test-producer").add("upn", "test-producer")
                .add("jti", UUID.randomUUID().toString())
                .add("iat", now.getEpochSecond()).add("exp", now.plus(Duration.ofHours(1)).getEpochSecond())
                .add("groups", groupArray);
    }

    /** A valid IMS Service token (no imsOrg claim) with these groups. */
    static TestTokens serviceToken(String... groups) {
        return new TestTokens(List.of(groups));
    }

    /** A valid IMS Gateway token speaking for the org. */
    static TestTokens gatewayToken(String imsOrg, String... groups) {
        TestTokens token = new TestTokens(List.of(groups));
        token.claims.add("imsOrg", imsOrg);
        return token;
    }

    /** Sets a claim to this JSON value, replacing one of that name: the shapes identity providers send. */
    TestTokens claim(String name, JsonValue value) {
        claims.add(name, value);
        return this;
    }

    /** Leaves a claim out, as identity providers do with {@code groups} and {@code upn}. */
    TestTokens withoutClaim(String name) {
        claims.remove(name);
        return this;
    }

    TestTokens issuer(String issuer) {
        claims.add("iss", issuer);
        return this;
    }

    TestTokens expiredSince(Duration ago) {
        Instant expired = Instant.now().minus(ago);
        claims.add("iat", expired.minus(Duration.ofHours(1)).getEpochSecond()).add("exp", expired.getEpochSecond());
        return this;
    }

    TestTokens expiresAt(Instant expiry) {
        claims.add("exp", expiry.getEpochSecond());
        return this;
    }

    /** Names the signing key in the header's {@code kid}, as a JWKS-based issuer does. */
    TestTokens keyId(String kid) {
        keyId = kid;
        return this;
    }

    TestTokens signedWithSecondKey() {
        signingKey = SECOND_KEYS.getPrivate();
        return this;
    }

    TestTokens signedWithForeignKey() {
        signingKey = FOREIGN_KEYS.getPrivate();
        return this;
    }

    String sign() {
        String signingInput = header() + "." + encode(payload());
        return signingInput + "." + BASE64URL.encodeToString(rsaSignature(signingInput, signingKey));
    }

    /**
     * The claims as JSON. JSON-P's {@code build()} empties its builder, so the builder is refilled:
     * a token signed a second time carries the same claims.
     */
    private String payload() {
        JsonObject built = claims.build();
        claims = Json.createObjectBuilder(built);
        return built.toString();
    }

    /** The same claims, {@code alg: none}, no signature. */
    String unsigned() {
        return header("none") + "." + encode(payload()) + ".";
    }

    /** HS256 with the verifier's public key as HMAC secret: the classic algorithm-confusion attack. */
    String hmacSignedWithPublicKey() {
        String signingInput = header("HS256") + "." + encode(payload());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(publicKeyPem().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return signingInput + "." + BASE64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A correctly signed token whose payload is then swapped for one with more groups. */
    String tamperedToGroups(String... groups) {
        String[] parts = sign().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        JsonArrayBuilder groupArray = Json.createArrayBuilder();
        List.of(groups).forEach(groupArray::add);
        String forged = Json.createObjectBuilder(Json.createReader(new java.io.StringReader(payload)).readObject())
                .add("groups", groupArray).build().toString();
        return parts[0] + "." + encode(forged) + "." + parts[2];
    }

    /** The claims signed (RS256, with the key chosen) under this JOSE header, given as raw JSON. */
    String signedUnderHeader(String headerJson) {
        String signingInput = encode(headerJson) + "." + encode(payload());
        return signingInput + "." + BASE64URL.encodeToString(rsaSignature(signingInput, signingKey));
    }

    /** The claims under {@code alg: ES256}, signed with this EC key (whatever its curve) as JWS does: r and s concatenated. */
    String es256SignedWith(KeyPair ecKeys, int coordinateBytes) {
        String signingInput = header("ES256") + "." + encode(payload());
        try {
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(ecKeys.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] rs = signature.sign();
            if (rs.length != 2 * coordinateBytes) {
                throw new IllegalStateException("r||s of " + rs.length + " bytes, expected " + 2 * coordinateBytes);
            }
            return signingInput + "." + BASE64URL.encodeToString(rs);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * RFC 7797's unencoded payload: {@code b64: false} (critical), the signature over the header and
     * the raw claims; the token carries the encoded claims as its payload part, as a confused
     * verifier would read them.
     */
    String unencodedPayload() {
        String claimsJson = payload();
        String header = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"b64\":false,\"crit\":[\"b64\"]}");
        byte[] signature = rsaSignature(header + "." + claimsJson, signingKey);
        return header + "." + encode(claimsJson) + "." + BASE64URL.encodeToString(signature);
    }

    /** The public half of the foreign key as a JWK, for headers ({@code jwk}) that try to bring their own key. */
    static String foreignJwk() {
        RSAPublicKey key = (RSAPublicKey) FOREIGN_KEYS.getPublic();
        return Json.createObjectBuilder().add("kty", "RSA").add("n", BASE64URL.encodeToString(unsigned(key.getModulus())))
                .add("e", BASE64URL.encodeToString(unsigned(key.getPublicExponent()))).build().toString();
    }

    static KeyPair ecKeys(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encodeSegment(String json) {
        return encode(json);
    }

    static Path writePublicKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, publicKeyPem());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(KEYS.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private String header() {
        return keyId == null ? header(algorithm)
                : encode("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}");
    }

    private static String header(String algorithm) {
        return encode("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\"}");
    }

    /** The JWK of the test key ({@code second} false) or of the second key, with this {@code kid}. */
    static String jwk(boolean second, String kid) {
        RSAPublicKey key = (RSAPublicKey) (second ? SECOND_KEYS : KEYS).getPublic();
        return Json.createObjectBuilder().add("kty", "RSA").add("use", "sig").add("alg", "RS256").add("kid", kid)
                .add("n", BASE64URL.encodeToString(unsigned(key.getModulus())))
                .add("e", BASE64URL.encodeToString(unsigned(key.getPublicExponent()))).build().toString();
    }

    /** An RSA-OAEP encryption key ({@code use: enc}) with this {@code kid}, as identity providers publish beside their signing keys. */
    static String encryptionJwk(String kid) {
        RSAPublicKey key = (RSAPublicKey) FOREIGN_KEYS.getPublic();
        return Json.createObjectBuilder().add("kty", "RSA").add("use", "enc").add("alg", "RSA-OAEP").add("kid", kid)
                .add("n", BASE64URL.encodeToString(unsigned(key.getModulus())))
                .add("e", BASE64URL.encodeToString(unsigned(key.getPublicExponent()))).build().toString();
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] rsaSignature(String signingInput, PrivateKey key) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
