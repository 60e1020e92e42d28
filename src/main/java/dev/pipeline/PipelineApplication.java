package dev.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The JAX-RS application, authenticated by MicroProfile JWT. It is a CDI bean on purpose: with
 * annotated bean discovery Payara only activates MP-JWT when this class is itself discovered.
 */
@ApplicationScoped
@ApplicationPath("/")
@LoginConfig(authMethod = "MP-JWT")
public class PipelineApplication extends Application {
}
