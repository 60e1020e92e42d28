package dev.pipeline.lifecycle.control;

import java.util.logging.Logger;

/**
 * Closes Payara's HTTP and HTTPS listeners, so that once the service has drained, new connections are refused
 * rather than answered by a container that is undeploying the application (503 without a body,
 * then 404, then 500, measured on Payara Micro 6.2025.10). Payara offers no public API for it: this
 * runs the asadmin command {@code set ...http-listener.enabled=false ...https-listener.enabled=false} through the embedded
 * {@code org.glassfish.embeddable.CommandRunner} service, found reflectively so that the WAR still
 * deploys on a server without it (where the listener simply stays open).
 */
public final class HttpListener {

    private static final String LISTENERS = "configs.config.server-config.network-config.network-listeners.network-listener.";
    /** Both of Payara Micro's listeners: the HTTPS one serves the API where server-config/tls/ opens it. */
    static final String[] DISABLE = {LISTENERS + "http-listener.enabled=false", LISTENERS + "https-listener.enabled=false"};
    private static final Logger LOG = Logger.getLogger(HttpListener.class.getName());

    private HttpListener() {
    }

    /** Closes the listener; true if Payara said it did. */
    public static boolean close() {
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Class<?> globals = Class.forName("org.glassfish.internal.api.Globals", true, loader);
            Class<?> runnerType = Class.forName("org.glassfish.embeddable.CommandRunner", true, loader);
            Object runner = globals.getMethod("get", Class.class).invoke(null, runnerType);
            if (runner == null) {
                LOG.warning("No command runner found; the HTTP listener stays open while Payara stops");
                return false;
            }
            Class<?> resultType = Class.forName("org.glassfish.embeddable.CommandResult", true, loader);
            Object result = runnerType.getMethod("run", String.class, String[].class).invoke(runner, "set", (Object) DISABLE.clone());
            Object status = resultType.getMethod("getExitStatus").invoke(result);
            boolean closed = "SUCCESS".equals(String.valueOf(status));
            if (!closed) {
                LOG.warning("Closing the HTTP listener answered " + status + ": " + resultType.getMethod("getOutput").invoke(result));
            }
            return closed;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.warning("Cannot close the HTTP listener on this server (" + e + "); it stays open while Payara stops");
            return false;
        }
    }
}
