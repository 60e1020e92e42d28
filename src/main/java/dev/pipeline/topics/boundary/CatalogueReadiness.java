package dev.pipeline.topics.boundary;

import dev.pipeline.topics.control.TopicCatalogue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Names the catalogue version in force (a hash of the file's bytes), so that an operator can see
 * that every instance took a change, and why the file's newest content was refused if it was. Always
 * UP: a refused change leaves the previous version serving.
 */
@Readiness
@ApplicationScoped
public class CatalogueReadiness implements HealthCheck {

    @Inject
    TopicCatalogue catalogue;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("topicCatalogue").up()
                .withData("version", catalogue.version())
                .withData("topics", catalogue.all().size());
        catalogue.refusal().ifPresent(refusal -> response.withData("refused", refusal));
        return response.build();
    }
}
