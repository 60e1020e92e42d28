package dev.pipeline.lifecycle.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps Weld's warnings about asynchronous requests out of the log. A produce request starts on an
 * HTTP thread and is answered from the thread that learns the broker stored it; Weld keeps its
 * request bookkeeping per thread, so for every request it warns four to five times (WELD-000225,
 * WELD-000335, WELD-000714, WELD-000715), about 600 bytes: any producer could fill the operator's
 * disk, and the warnings took a quarter of Payara's CPU in the singles profile. While the application
 * runs, Weld's context, conversation and servlet loggers are held at SEVERE, unless the operator set
 * their levels (as {@code server-config/pre-boot-commands.asadmin} does); Weld's errors still show.
 */
@ApplicationScoped
public class AsyncRequestWarnings {

    /** Weld's loggers of those warnings (Weld 5.1 in Payara 6). */
    static final List<String> WELD_LOGGERS = List.of("org.jboss.weld.Context", "org.jboss.weld.Conversation",
            "org.jboss.weld.Servlet");
    private static final Logger LOG = Logger.getLogger(AsyncRequestWarnings.class.getName());

    private List<HeldLoggerLevel> held = List.of();

    void quietWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        held = HeldLoggerLevel.holdAll(WELD_LOGGERS, Level.SEVERE);
        if (!held.isEmpty()) {
            LOG.info(() -> "Loggers " + held.stream().map(HeldLoggerLevel::name).toList() + " held at SEVERE while this "
                    + "application runs: Weld warns several times per asynchronous request; set their levels in the "
                    + "logging configuration to choose others");
        }
    }

    @PreDestroy
    void release() {
        held.forEach(HeldLoggerLevel::release);
    }
}
