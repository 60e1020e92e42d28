package dev.pipeline.topics.control;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Re-reads the topic catalogue every {@code pipeline.topics.reload-interval} (default 2 s; {@code PT0S}
 * turns it off) on the container's managed scheduler, so that topics, producers and TTLs change
 * without a restart. Re-reading the content rather than watching for file events also sees files
 * replaced through a symbolic link (a Kubernetes ConfigMap) and files on network mounts.
 */
@ApplicationScoped
public class CatalogueWatch {

    private static final Logger LOG = Logger.getLogger(CatalogueWatch.class.getName());

    @Inject
    TopicCatalogue catalogue;

    @Inject
    @ConfigProperty(name = "pipeline.topics.reload-interval", defaultValue = "PT2S")
    String interval;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> rereading;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        long millis = Duration.parse(interval).toMillis();
        if (millis <= 0) {
            LOG.info("pipeline.topics.reload-interval is " + interval + ": the topic catalogue is read at start only");
            return;
        }
        rereading = scheduler.scheduleWithFixedDelay(this::reload, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void reload() {
        try {
            catalogue.reload();
        } catch (RuntimeException e) {
            // A failure must not end the schedule: the next run tries again.
            LOG.log(Level.WARNING, "Re-reading the topic catalogue failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (rereading != null) {
            rereading.cancel(false);
        }
    }
}
