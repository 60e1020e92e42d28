package dev.pipeline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Tokens as {@code server-config/local-run/mint-token.sh} mints them: signed with the local-run
 * private key that anyone can read in this repository, so no deployment may accept them.
 */
final class LocalRunTokens {

    static final String ISSUER = "https://pipeline.local/local-run";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private LocalRunTokens() {
    }

    static String serviceToken(String group) throws IOException, GeneralSecurityException {
        long now = Instant.now().getEpochSecond();
        String header = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = encode(("{\"iss\":\"%s\",\"sub\":\"local-producer\",\"upn\":\"local-producer\",\"jti\":\"%s\","
                + "\"iat\":%d,\"exp\":%d,\"groups\":[\"%s\"]}").formatted(ISSUER, UUID.randomUUID(), now, now + 3600, group));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(privateKey());
        signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + BASE64URL.encodeToString(signature.sign());
    }

    private static PrivateKey privateKey() throws IOException, GeneralSecurityException {
        String pem = Files.readString(Path.of("server-config/local-run/privateKey.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
