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
 * Ready while the broker is reachable. Catalogue topics without a subscription on it are named in
 * the check's data but keep it UP: their own requests answer 503, and one topic's missing
 * subscription must not take every replica out of the load balancer.
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
            if (!unbound.isEmpty()) {
                response.withData("topicsWithoutSubscription", String.join(",", unbound));
            }
            return response.up().build();
        } catch (JMSException e) {
            return response.down().withData("broker", "not reachable: " + e.getMessage()).build();
        }
    }
}
