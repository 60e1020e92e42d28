package dev.pipeline.openapi.boundary;

import java.lang.reflect.Method;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;

/**
 * Keeps {@code /openapi} a valid OpenAPI document on Payara 6. Payara's model adds a member of its
 * own, {@code endpoints} (the context root and the paths it serves), that it serialises at the top
 * level, where the OpenAPI schema allows no such member and validators reject the document (Payara 7
 * writes it as the extension {@code x-endpoints}). No Payara setting turns it off; this filter,
 * named by {@code mp.openapi.filter}, empties it, and Payara leaves empty members out. Found by name:
 * on a runtime whose model has no such member the document is left as it is.
 */
public class StandardDocumentFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI document) {
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
