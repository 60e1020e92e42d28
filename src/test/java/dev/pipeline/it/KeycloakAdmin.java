package dev.pipeline.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an operator does in Keycloak for the gateway, through its admin REST API (as the bootstrap
 * admin service account), and what a producer does: ask its token endpoint for a token with the
 * client-credentials grant.
 */
final class KeycloakAdmin {

    /** Keycloak's built-in client scope that adds {@code upn} and {@code groups} (the realm roles) to tokens. */
    static final String MICROPROFILE_JWT_SCOPE = "microprofile-jwt";
    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final KeycloakProcess keycloak;

    KeycloakAdmin(KeycloakProcess keycloak) {
        this.keycloak = keycloak;
    }

    String issuer(String realm) {
        return keycloak.uri("/realms/" + realm).toString();
    }

    String jwksUrl(String realm) {
        return issuer(realm) + "/protocol/openid-connect/certs";
    }

    void createRealm(String realm) throws IOException, InterruptedException {
        admin("POST", "/admin/realms", Json.createObjectBuilder().add("realm", realm).add("enabled", true).build());
    }

    void createRealmRole(String realm, String role) throws IOException, InterruptedException {
        admin("POST", "/admin/realms/" + realm + "/roles", Json.createObjectBuilder().add("name", role).build());
    }

    /**
     * A confidential client whose service account holds the realm role, for the client-credentials
     * grant; with {@code microprofileJwt}, Keycloak's {@code microprofile-jwt} scope is one of its
     * default scopes, so that its tokens carry the realm roles as {@code groups}.
     */
    void createServiceClient(String realm, String clientId, String secret, String realmRole, boolean microprofileJwt)
            throws IOException, InterruptedException {
        HttpResponse<String> created = admin("POST", "/admin/realms/" + realm + "/clients", Json.createObjectBuilder()
                .add("clientId", clientId).add("secret", secret).add("publicClient", false)
                .add("serviceAccountsEnabled", true).add("standardFlowEnabled", false)
                .add("directAccessGrantsEnabled", false).build());
        String client = idFromLocation(created);
        if (microprofileJwt) {
            String scope = ((JsonArray) json(admin("GET", "/admin/realms/" + realm + "/client-scopes", null))).stream()
                    .map(JsonValue::asJsonObject).filter(s -> MICROPROFILE_JWT_SCOPE.equals(s.getString("name")))
                    .map(s -> s.getString("id")).findFirst().orElseThrow();
            // A new client has it as an optional scope (only in tokens asked for with scope=microprofile-jwt),
            // and Keycloak ignores adding it as a default scope while it is optional.
            admin("DELETE", "/admin/realms/" + realm + "/clients/" + client + "/optional-client-scopes/" + scope, null);
            admin("PUT", "/admin/realms/" + realm + "/clients/" + client + "/default-client-scopes/" + scope, null);
        }
        String user = ((JsonObject) json(admin("GET", "/admin/realms/" + realm + "/clients/" + client + "/service-account-user", null)))
                .getString("id");
        JsonValue role = json(admin("GET", "/admin/realms/" + realm + "/roles/" + realmRole, null));
        admin("POST", "/admin/realms/" + realm + "/users/" + user + "/role-mappings/realm", Json.createArrayBuilder().add(role).build());
    }

    /** A producer's access token: the client-credentials grant at the realm's token endpoint. */
    String token(String realm, String clientId, String secret) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(form(issuer(realm) + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret)),
                HttpResponse.BodyHandlers.ofString());
        return ((JsonObject) json(checked(response, "token of " + clientId))).getString("access_token");
    }

    /** A new generated RSA signing key of this priority (Keycloak signs with the active key of the highest); returns its provider's id. */
    String addRsaKeyProvider(String realm, String name, int priority) throws IOException, InterruptedException {
        String realmId = ((JsonObject) json(admin("GET", "/admin/realms/" + realm, null))).getString("id");
        return idFromLocation(admin("POST", "/admin/realms/" + realm + "/components", Json.createObjectBuilder()
                .add("name", name).add("providerId", "rsa-generated").add("providerType", KEY_PROVIDER).add("parentId", realmId)
                .add("config", Json.createObjectBuilder().add("priority", Json.createArrayBuilder().add(Integer.toString(priority))))
                .build()));
    }

    /** The id of the realm's key provider that holds the key of this {@code kid}. */
    String keyProviderOf(String realm, String kid) throws IOException, InterruptedException {
        return ((JsonObject) json(admin("GET", "/admin/realms/" + realm + "/keys", null))).getJsonArray("keys").stream()
                .map(JsonValue::asJsonObject).filter(key -> kid.equals(key.getString("kid", null)))
                .map(key -> key.getString("providerId")).findFirst()
                .orElseThrow(() -> new IllegalStateException("realm " + realm + " has no key " + kid));
    }

    /** Makes the key provider's key passive (no longer signs, still published) or disabled (no longer published). */
    void setKeyProvider(String realm, String id, boolean active, boolean enabled) throws IOException, InterruptedException {
        JsonObject component = (JsonObject) json(admin("GET", "/admin/realms/" + realm + "/components/" + id, null));
        JsonObject config = Json.createObjectBuilder(component.getJsonObject("config"))
                .add("active", Json.createArrayBuilder().add(Boolean.toString(active)))
                .add("enabled", Json.createArrayBuilder().add(Boolean.toString(enabled))).build();
        admin("PUT", "/admin/realms/" + realm + "/components/" + id, Json.createObjectBuilder(component).add("config", config).build());
    }

    private HttpResponse<String> admin(String method, String path, JsonStructure body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(keycloak.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return checked(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()), method + " " + path);
    }

    /** A new token each time: the master realm's tokens live one minute, the tests longer. */
    private String adminToken() throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(form(issuer("master") + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_id", KeycloakProcess.ADMIN_CLIENT,
                        "client_secret", keycloak.adminSecret())), HttpResponse.BodyHandlers.ofString());
        return ((JsonObject) json(checked(response, "admin token"))).getString("access_token");
    }

    private static HttpRequest form(String uri, Map<String, String> fields) {
        String body = fields.entrySet().stream()
                .map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(java.net.URI.create(uri)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> checked(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + ": Keycloak answered " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    private static JsonStructure json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).read();
    }

    private static String idFromLocation(HttpResponse<String> created) {
        String location = created.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException("no Location"));
        return location.substring(location.lastIndexOf('/') + 1);
    }
}
