package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.TextMessage;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Topic access by token group, and the IMS org rules of Service and Gateway tokens. */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class AccessIT {

    private static final String MESSAGE = "{\"message\":\"hello\"}";

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void groupListedAsProducerMayProduceToEachOfItsTopics(Gateway gateway) throws Exception {
        String clicksWriter = TestTokens.serviceToken("clicks-writer").sign();
        messageIds(gateway.post("clicks").token(clicksWriter).json(MESSAGE));
        messageIds(gateway.post("clicks").token(TestTokens.serviceToken("orders-writer").sign()).json(MESSAGE));
    }

    @Test
    void forbiddenAndUnknownTopicsAnswerTheSame404(Gateway gateway) throws Exception {
        String clicksWriter = TestTokens.serviceToken("clicks-writer").sign();

        HttpResponse<String> forbidden = gateway.post("orders").token(clicksWriter).json(MESSAGE);
        HttpResponse<String> unknown = gateway.post("no-such-topic").token(clicksWriter).json(MESSAGE);

        problem(forbidden, 404);
        problem(unknown, 404);
        assertEquals(forbidden.body(), unknown.body(), "no topic enumeration: both 404s are identical");
    }

    @Test
    void tokenWithoutGroupsMayProduceNowhere(Gateway gateway) throws Exception {
        problem(gateway.post("orders").token(TestTokens.serviceToken().sign()).json(MESSAGE), 404);
    }

    @Test
    void gatewayTokenStampsItsImsOrgOnMessagesWithout(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            messageIds(gateway.post("orders").token(TestTokens.gatewayToken("GW@AdobeOrg", "orders-writer").sign())
                    .json("[{\"message\":\"a\"},{\"message\":\"b\",\"imsOrg\":\"GW@AdobeOrg\"}]"));

            for (int i = 0; i < 2; i++) {
                TextMessage received = (TextMessage) subscription.next();
                assertEquals("GW@AdobeOrg", received.getStringProperty("imsOrg"));
                assertTrue(received.getText().contains("\"imsOrg\":\"GW@AdobeOrg\""), received.getText());
            }
        }
    }

    @Test
    void gatewayTokenCannotSpeakForAnotherImsOrg(Gateway gateway, TestBroker broker) throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        String gatewayToken = TestTokens.gatewayToken("GW@AdobeOrg", "orders-writer").sign();
        try (var subscription = broker.subscribe("orders")) {
            String detail = problem(gateway.post("orders").token(gatewayToken)
                    .json("[{\"message\":\"mine\"},{\"message\":\"theirs\",\"imsOrg\":\"OTHER@AdobeOrg\"}]"), 400);
            messageIds(gateway.post("orders").token(gatewayToken).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}"));

            assertTrue(detail.contains("imsOrg"), detail);
            assertEquals(1, subscription.untilMarker(marker).size(), "nothing of the rejected batch was sent");
        }
    }

    @Test
    void serviceTokenPublishesTheImsOrgGivenInTheBody(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").sign())
                    .json("[{\"message\":\"a\",\"imsOrg\":\"ANY@AdobeOrg\"},{\"message\":\"b\"}]"));

            assertEquals("ANY@AdobeOrg", subscription.next().getStringProperty("imsOrg"));
            assertFalse(subscription.next().propertyExists("imsOrg"));
        }
    }
}
