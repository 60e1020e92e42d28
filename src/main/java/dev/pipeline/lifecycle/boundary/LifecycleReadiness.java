package dev.pipeline.lifecycle.boundary;

import dev.pipeline.lifecycle.control.ServiceLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN from the moment the service is told to stop, so that a load balancer sends it nothing new. */
@Readiness
@ApplicationScoped
public class LifecycleReadiness implements HealthCheck {

    @Inject
    ServiceLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        if (lifecycle.leaving()) {
            return HealthCheckResponse.named("lifecycle").down().withData("state", "stopping")
                    .withData("inFlight", lifecycle.inFlight()).build();
        }
        return HealthCheckResponse.up("lifecycle");
    }
}
