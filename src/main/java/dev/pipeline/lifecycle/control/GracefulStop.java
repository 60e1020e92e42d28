package dev.pipeline.lifecycle.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Stops the service without an answer other than 200, 503 or a refused connection. Payara Micro
 * stops on SIGTERM by undeploying the application while its HTTP listener still accepts requests,
 * which the container then answers itself (503 without a body, 404, 500). So the WAR takes SIGTERM
 * first: readiness goes DOWN and requests are still served for {@code pipeline.shutdown.readiness-delay}
 * (for a load balancer to notice), then new requests get 503 while those taken are answered (at most
 * {@code pipeline.shutdown.drain-timeout}), then the HTTP listener is closed, and only then does
 * Payara's own shutdown run. An undeploy without a signal drains the same way.
 */
@ApplicationScoped
public class GracefulStop {

    private static final Logger LOG = Logger.getLogger(GracefulStop.class.getName());
    private static final Signal TERM = new Signal("TERM");
    /**
     * After the drain, new requests are still answered 503 with {@code Connection: close} this long
     * before the listener closes, so that producers sending steadily learn of the stop on an answer
     * rather than on a kept-alive connection closed under them.
     */
    private static final Duration LINGER = Duration.ofSeconds(1);

    @Inject
    ServiceLifecycle lifecycle;

    @Inject
    @ConfigProperty(name = "pipeline.shutdown.readiness-delay", defaultValue = "PT0S")
    String readinessDelay;

    @Inject
    @ConfigProperty(name = "pipeline.shutdown.drain-timeout", defaultValue = "PT10S")
    String drainTimeout;

    private SignalHandler previous;

    void installWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        Duration.parse(readinessDelay);
        Duration.parse(drainTimeout);
        try {
            // The signal arrives on a JVM thread without the application's class loader, which CDI and Config need.
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            previous = Signal.handle(TERM, signal -> {
                Thread stop = new Thread(() -> stopThenExit(signal), "pipeline-graceful-stop");
                stop.setContextClassLoader(loader);
                stop.start();
            });
        } catch (IllegalArgumentException | LinkageError e) {
            LOG.warning("SIGTERM cannot be handled here (" + e + "): a stop is not drained");
        }
    }

    private void stopThenExit(Signal signal) {
        try {
            LOG.info(() -> "SIGTERM: readiness DOWN, serving " + readinessDelay + " more, then draining (at most "
                    + drainTimeout + ") and closing the HTTP listener");
            lifecycle.leave();
            Thread.sleep(Duration.parse(readinessDelay).toMillis());
            drain();
            Thread.sleep(LINGER.toMillis());
            boolean closed = HttpListener.close();
            LOG.info(() -> closed ? "HTTP listener closed: new connections are refused" : "HTTP listener left open");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Stopping gracefully failed; stopping at once", e);
        } finally {
            SignalHandler exit = previous;
            if (exit != null && exit != SignalHandler.SIG_DFL && exit != SignalHandler.SIG_IGN) {
                exit.handle(signal);
            } else {
                System.exit(128 + signal.getNumber());
            }
        }
    }

    private void drain() throws InterruptedException {
        lifecycle.stop();
        int taken = lifecycle.inFlight();
        boolean drained = lifecycle.awaitDrained(Duration.parse(drainTimeout));
        LOG.info(() -> drained ? "Drained: all " + taken + " requests in flight were answered"
                : lifecycle.inFlight() + " requests still in flight after " + drainTimeout + "; stopping anyway");
    }

    @PreDestroy
    void restoreAndDrain() {
        if (previous != null) {
            try {
                Signal.handle(TERM, previous);
            } catch (IllegalArgumentException e) {
                LOG.fine(() -> "SIGTERM handler not restored: " + e);
            }
        }
        try {
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
