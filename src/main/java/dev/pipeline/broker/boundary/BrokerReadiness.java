package dev.pipeline.broker.boundary;

import dev.pipeline.broker.control.BrokerConnection;
import dev.pipeline.topics.control.TopicCatalogue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the broker is reachable and every catalogue topic has a subscription to store
 * messages in; otherwise DOWN ({@code /health/ready} answers 503) with the reason in its data.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

    @Inject
    BrokerConnection broker;

    @Inject
    TopicCatalogue catalogue;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker");
        try {
            List<String> unbound = broker.topicsWithoutSubscription(catalogue.all());
            if (unbound.isEmpty()) {
                return response.up().build();
            }
            return response.down().withData("topicsWithoutSubscription", String.join(",", unbound)).build();
        } catch (JMSException e) {
            return response.down().withData("broker", "not reachable: " + e.getMessage()).build();
        }
    }
}
