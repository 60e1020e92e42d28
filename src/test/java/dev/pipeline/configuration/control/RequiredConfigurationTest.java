package dev.pipeline.configuration.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.configuration.entity.MissingSetting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequiredConfigurationTest {

    private static final Map<String, String> COMPLETE = Map.of(
            "mp.jwt.verify.publickey.location", "file:/etc/pipeline/publicKey.pem",
            "mp.jwt.verify.issuer", "https://ims.example.com",
            "pipeline.topics.file", "/etc/pipeline/topics.json");

    private static List<MissingSetting> missing(Map<String, String> config) {
        return RequiredConfiguration.missing(key -> Optional.ofNullable(config.get(key)));
    }

    private static Map<String, String> without(String... keys) {
        Map<String, String> config = new HashMap<>(COMPLETE);
        List.of(keys).forEach(config::remove);
        return config;
    }

    private static List<String> keys(List<MissingSetting> missing) {
        return missing.stream().map(MissingSetting::key).toList();
    }

    @Test
    void nothingIsMissingWhenKeyIssuerAndCatalogueAreSet() {
        RequiredConfiguration configuration = new RequiredConfiguration(missing(COMPLETE));

        assertTrue(configuration.isComplete());
        assertTrue(configuration.verifiesTokens());
    }

    @Test
    void nothingConfiguredNamesTheKeyTheIssuerAndTheCatalogue() {
        assertEquals(List.of("mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "pipeline.topics.file"),
                keys(missing(Map.of())));
    }

    @Test
    void anInlinePublicKeyStandsInForItsLocation() {
        Map<String, String> config = without("mp.jwt.verify.publickey.location");
        config.put("mp.jwt.verify.publickey", "{\"keys\":[]}");

        assertEquals(List.of(), missing(config));
    }

    @Test
    void withoutAKeyNoTokenIsVerifiedButTheCatalogueIsThere() {
        RequiredConfiguration configuration = new RequiredConfiguration(missing(without("mp.jwt.verify.publickey.location")));

        assertFalse(configuration.isComplete());
        assertFalse(configuration.verifiesTokens());
        assertEquals(List.of("mp.jwt.verify.publickey.location"), keys(configuration.missing()));
    }

    @Test
    void withoutAnIssuerNoTokenIsVerified() {
        assertFalse(new RequiredConfiguration(missing(without("mp.jwt.verify.issuer"))).verifiesTokens());
    }

    @Test
    void withoutACatalogueTokensAreStillVerifiedButTheServiceIsIncomplete() {
        RequiredConfiguration configuration = new RequiredConfiguration(missing(without("pipeline.topics.file")));

        assertTrue(configuration.verifiesTokens());
        assertFalse(configuration.isComplete());
    }

    @Test
    void aBlankValueCountsAsUnset() {
        Map<String, String> config = new HashMap<>(COMPLETE);
        config.put("pipeline.topics.file", "  ");

        assertEquals(List.of("pipeline.topics.file"), keys(missing(config)));
    }

    @Test
    void theLogLineNamesTheKeyItsAlternativeAndWhatTheServiceDoes() {
        String line = missing(without("mp.jwt.verify.publickey.location")).get(0).logLine();

        assertEquals("Configuration key mp.jwt.verify.publickey.location is not set (nor mp.jwt.verify.publickey): "
                + "no bearer token is accepted (401); /health/ready is DOWN until it is set and the application restarted", line);
    }
}
