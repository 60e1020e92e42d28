package dev.pipeline.it;

import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A catalogue topic the broker cannot store messages for is visible, and never answered 200, yet
 * does not take the instance out of the load balancer.
 */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class BrokerStateIT {

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void topicWithoutSubscriptionOnTheBrokerIsAnswered503NotSilentlyDropped(Gateway gateway) throws Exception {
        HttpResponse<String> response = gateway.post(SharedGateway.UNSUBSCRIBED_TOPIC)
                .token(TestTokens.serviceToken("orders-writer").sign()).json("{\"message\":\"would be lost\"}");

        assertTrue(problem(response, 503).contains("no subscription"));
        assertTrue(Integer.parseInt(response.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }

    @Test
    void readinessStaysUpWhileTheBrokerIsReachableAndNamesTheTopicWithoutSubscription(Gateway gateway) throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(gateway.payara().uri("/health/ready")).build(), BodyHandlers.ofString());

        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"topicsWithoutSubscription\":\"" + SharedGateway.UNSUBSCRIBED_TOPIC + "\""),
                ready.body());
    }
}
