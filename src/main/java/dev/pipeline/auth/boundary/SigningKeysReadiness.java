package dev.pipeline.auth.boundary;

import dev.pipeline.auth.control.JwksMirror;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while the configured JWKS URL has given no key set (and none was kept from before a restart):
 * such a gateway can verify no token, so a load balancer should send its producers elsewhere.
 */
@Readiness
@ApplicationScoped
public class SigningKeysReadiness implements HealthCheck {

    @Inject
    JwksMirror keys;

    @Override
    public HealthCheckResponse call() {
        if (!keys.mirrors() || keys.hasKeys()) {
            return HealthCheckResponse.up("signing-keys");
        }
        return HealthCheckResponse.named("signing-keys").down()
                .withData("jwks", keys.source().map(Object::toString).orElse(""))
                .withData("state", "no key set fetched yet, none kept")
                .build();
    }
}
