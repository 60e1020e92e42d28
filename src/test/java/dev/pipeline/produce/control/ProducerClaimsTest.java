package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.InvalidTokenException;
import dev.pipeline.problem.TopicNotFoundException;
import dev.pipeline.produce.entity.Producer;
import dev.pipeline.testing.VerifiedToken;
import dev.pipeline.topics.control.TopicCatalogue;
import jakarta.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** Each claim shape identity providers send, read the way the contract answers it. */
class ProducerClaimsTest {

    private static final TopicCatalogue CATALOGUE = TopicCatalogue.parse(new ByteArrayInputStream("""
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """.getBytes(StandardCharsets.UTF_8)), "test catalogue");

    private static final String REQUIRED = "\"iss\":\"https://idp.test\",\"sub\":\"3f2a\",\"jti\":\"j-1\",\"iat\":1,\"exp\":4102444800";

    @Test
    void tokenWithoutAGroupsClaimHasNoGroupsAndIsAnswered404() {
        Producer producer = producer("{" + REQUIRED + ",\"upn\":\"svc\"}");

        assertEquals(Set.of(), producer.groups());
        assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "orders", producer));
    }

    @Test
    void tokenWithEmptyGroupsIsAnswered404() {
        Producer producer = producer("{" + REQUIRED + ",\"groups\":[]}");

        assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "orders", producer));
    }

    @Test
    void groupsAsOneStringAreThatOneGroup() {
        Producer producer = producer("{" + REQUIRED + ",\"groups\":\"orders-writer\"}");

        assertEquals(Set.of("orders-writer"), producer.groups());
        assertEquals("orders", ProducerPolicy.topic(CATALOGUE, "orders", producer).name());
    }

    @Test
    void groupsAsAnArrayAreEachAGroup() {
        Producer producer = producer("{" + REQUIRED + ",\"groups\":[\"readers\",\"orders-writer\"]}");

        assertEquals(Set.of("readers", "orders-writer"), producer.groups());
    }

    @Test
    void withoutUpnTheProducerIsNamedByPreferredUsernameThenSub() {
        assertEquals("service-account-orders", producer("{" + REQUIRED + ",\"preferred_username\":\"service-account-orders\"}").subject());
        assertEquals("3f2a", producer("{" + REQUIRED + "}").subject());
    }

    @Test
    void keycloakTokenIsReadByItsGroupsAloneWhateverElseItCarries() {
        Producer producer = producer("{" + REQUIRED + """
                ,"typ":"Bearer","azp":"orders-service","scope":"microprofile-jwt profile","aud":"account",
                "upn":"service-account-orders-service","preferred_username":"service-account-orders-service",
                "groups":["default-roles-pipeline","orders-writer"],"realm_access":{"roles":["auditor"]},
                "resource_access":{"account":{"roles":["view-profile"]}},"clientHost":"127.0.0.1","acr":"1"}""");

        assertEquals(Set.of("default-roles-pipeline", "orders-writer"), producer.groups());
        assertEquals(Optional.empty(), producer.imsOrg());
        assertEquals("service-account-orders-service", producer.subject());
    }

    @Test
    void realmRolesOutsideTheGroupsClaimAreNoGroups() {
        Producer producer = producer("{" + REQUIRED + ",\"realm_access\":{\"roles\":[\"orders-writer\"]}}");

        assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "orders", producer));
    }

    @Test
    void imsOrgStringMakesAGatewayToken() {
        assertEquals(Optional.of("ACME@AdobeOrg"), producer("{" + REQUIRED + ",\"imsOrg\":\"ACME@AdobeOrg\"}").imsOrg());
    }

    @Test
    void imsOrgThatIsNotAStringIsAnswered401() {
        for (String org : new String[] {"42", "null", "true", "{\"id\":\"ACME@AdobeOrg\"}", "[\"ACME@AdobeOrg\"]"}) {
            InvalidTokenException refused = assertThrows(InvalidTokenException.class,
                    () -> producer("{" + REQUIRED + ",\"imsOrg\":" + org + "}"), org);
            assertTrue(refused.getMessage().contains("imsOrg"), refused.getMessage());
        }
    }

    @Test
    void emptyImsOrgIsAnswered401() {
        assertThrows(InvalidTokenException.class, () -> producer("{" + REQUIRED + ",\"imsOrg\":\"  \"}"));
    }

    /** Payara's identity store refuses such tokens itself; another MP-JWT implementation may hand them on. */
    @Test
    void groupsOfAnotherShapeAreAnswered401() {
        assertThrows(InvalidTokenException.class, () -> ProducerClaims.producer(rawClaimsToken(Json.createValue(7))));
        assertThrows(InvalidTokenException.class, () -> ProducerClaims.producer(
                rawClaimsToken(Json.createArrayBuilder().add("orders-writer").add(7).build())));
    }

    @Test
    void callerWithoutABearerTokenIsAnswered401() {
        assertThrows(InvalidTokenException.class, () -> ProducerClaims.producer(null));
        Principal basic = () -> "user";
        assertThrows(InvalidTokenException.class, () -> ProducerClaims.producer(basic));
    }

    private static Producer producer(String claims) {
        return ProducerClaims.producer(VerifiedToken.of(claims));
    }

    /** A token whose groups claim is handed over as raw JSON. */
    private static JsonWebToken rawClaimsToken(Object groups) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "svc";
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("groups", "raw_token");
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return switch (claimName) {
                    case "groups" -> (T) groups;
                    case "raw_token" -> (T) "header.payload.signature";
                    default -> null;
                };
            }
        };
    }
}
