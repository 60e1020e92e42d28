package dev.pipeline;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The JAX-RS application. Bearer tokens are checked by {@code auth.boundary.BearerTokenFilter} with
 * Payara's MicroProfile JWT identity store, not through {@code @LoginConfig(authMethod = "MP-JWT")}:
 * with that annotation Payara runs its mechanism through JASPIC and Soteria on every request of
 * the WAR, at a cost profiles showed (bench/RESULTS.md).
 */
@ApplicationPath("/")
public class PipelineApplication extends Application {
}
