package dev.pipeline.configuration.boundary;

import dev.pipeline.configuration.control.RequiredConfiguration;
import dev.pipeline.configuration.entity.MissingSetting;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN while a key the service cannot work without is unset, naming the keys in its data. */
@Readiness
@ApplicationScoped
public class ConfigurationReadiness implements HealthCheck {

    @Inject
    RequiredConfiguration configuration;

    @Override
    public HealthCheckResponse call() {
        if (configuration.isComplete()) {
            return HealthCheckResponse.up("configuration");
        }
        return HealthCheckResponse.named("configuration").down()
                .withData("missing", configuration.missing().stream().map(MissingSetting::key).collect(Collectors.joining(",")))
                .build();
    }
}
