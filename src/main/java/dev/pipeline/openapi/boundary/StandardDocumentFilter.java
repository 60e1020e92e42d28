package dev.pipeline.openapi.boundary;

import java.lang.reflect.Method;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.servers.Server;

/**
 * Keeps {@code /openapi} a valid OpenAPI document that is right wherever the WAR runs, named by
 * {@code mp.openapi.filter}.
 *
 * <p>Servers: Payara lists the absolute URL of its own listener with the context root the WAR was
 * deployed at ({@code http://localhost:8080/pipeline}), which is wrong for every client that reaches
 * the gateway by another name, port or scheme (a load balancer, TLS in front). The filter keeps only
 * the path, a URL relative to the host that served the document (OpenAPI 3.0 resolves it against
 * {@code /openapi}'s own URL), so the paths resolve to {@code <that host>/pipeline/topics/...}.
 *
 * <p>Payara 6's model adds a member of its own, {@code endpoints} (the context root and the paths it
 * serves), that it serialises at the top level, where the OpenAPI schema allows no such member and
 * validators reject the document (Payara 7 writes it as the extension {@code x-endpoints}). No
 * Payara setting turns it off; the filter empties it, and Payara leaves empty members out. Found by
 * name: on a runtime whose model has no such member the document is left as it is.
 */
public class StandardDocumentFilter implements OASFilter {

    static final String SERVER_DESCRIPTION = "The gateway's context root, on the host that served this document.";

    @Override
    public void filterOpenAPI(OpenAPI document) {
        serversRelativeToTheServingHost(document);
        removePayarasEndpoints(document);
    }

    private static void serversRelativeToTheServingHost(OpenAPI document) {
        List<Server> servers = document.getServers();
        if (servers == null) {
            return;
        }
        Set<String> paths = new HashSet<>();
        for (Server server : List.copyOf(servers)) {
            String path = path(server.getUrl());
            if (paths.add(path)) {
                server.setUrl(path);
                server.setDescription(SERVER_DESCRIPTION);
            } else {
                document.removeServer(server);
            }
        }
    }

    /** The path of an absolute URL; a URL that is not one (relative, or with {variables}) as it is. */
    static String path(String url) {
        try {
            URI uri = URI.create(url);
            if (!uri.isAbsolute()) {
                return url;
            }
            String path = uri.getRawPath();
            return path == null || path.isEmpty() ? "/" : path;
        } catch (IllegalArgumentException notAUri) {
            return url;
        }
    }

    private static void removePayarasEndpoints(OpenAPI document) {
        try {
            Method endpoints = document.getClass().getMethod("getEndpoints");
            if (endpoints.invoke(document) instanceof Map<?, ?> members) {
                members.clear();
            }
        } catch (NoSuchMethodException notPayaras) {
            // Nothing non-standard to remove.
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot remove Payara's endpoints member from the OpenAPI document", e);
        }
    }
}
