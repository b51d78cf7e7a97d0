package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.ProviderConfigService;
import io.tuneops.webhook.service.ProviderConfigValidator;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Provider configuration. Both the guide's path and the original's alias ({@code .../config})
 * answer. Access (viewer reads, admin writes) is enforced by the gateway.
 */
@Path("/api/cloud/providers")
@Produces(MediaType.APPLICATION_JSON)
public class ProviderResource {

    private final ProviderConfigService service;

    public ProviderResource(ProviderConfigService service) {
        this.service = service;
    }

    public record ProviderSummary(String name, String display_name, boolean configured) {
    }

    public record ProviderList(List<ProviderSummary> providers) {
    }

    public record ValidationError(String detail, List<ProviderConfigValidator.FieldError> errors) {
    }

    @GET
    public Uni<ProviderList> list() {
        return Uni.combine().all().unis(service.all(), service.secretNames()).asTuple()
                .map(t -> new ProviderList(ProviderConfigService.PROVIDERS.stream()
                        .map(p -> new ProviderSummary(p, displayName(p), t.getItem1().containsKey(p) || t.getItem2().containsKey(p)))
                        .toList()));
    }

    @GET
    @Path("/{provider}")
    public Uni<Response> get(@PathParam("provider") String provider) {
        if (!ProviderConfigService.PROVIDERS.contains(provider)) {
            return Uni.createFrom().item(unknown(provider));
        }
        return Uni.combine().all().unis(service.get(provider), service.secretNames()).asTuple()
                .map(t -> Response.ok(view(provider, t.getItem1().orElse(null),
                        t.getItem2().getOrDefault(provider, java.util.Set.of()), service.hasConfiguredWebhookSecret(provider))).build());
    }

    @GET
    @Path("/{provider}/config")
    public Uni<Response> getAlias(@PathParam("provider") String provider) {
        return get(provider);
    }

    @PUT
    @Path("/{provider}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> put(@PathParam("provider") String provider, JsonObject body, RoutingContext rc) {
        if (!ProviderConfigService.PROVIDERS.contains(provider)) {
            return Uni.createFrom().item(unknown(provider));
        }
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object with the fields to change is required"));
        }
        ProviderConfigValidator.Result result = ProviderConfigValidator.validate(body);
        if (!result.errors().isEmpty()) {
            return Uni.createFrom().item(Response.status(400)
                    .entity(new ValidationError("Invalid provider configuration", result.errors())).build());
        }
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        String actor = identity == null || identity.actor() == null ? "unknown" : identity.actor();
        String clientIp = identity == null ? null : identity.clientIp();
        return service.update(provider, result.accepted(), actor, clientIp)
                .chain(merged -> service.secretNames().map(names -> Response.ok(
                        view(provider, merged, names.getOrDefault(provider, java.util.Set.of()),
                                service.hasConfiguredWebhookSecret(provider))).build()))
                .onFailure().recoverWithItem(e -> {
                    org.jboss.logging.Logger.getLogger(ProviderResource.class)
                            .warnf("configuration of %s not changed: %s", provider, e.toString());
                    return JsonErrorMappers.json(503,
                            "Configuration not changed: it could not be recorded (" + e.getClass().getSimpleName() + ")");
                });
    }

    @PUT
    @Path("/{provider}/config")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> putAlias(@PathParam("provider") String provider, JsonObject body, RoutingContext rc) {
        return put(provider, body, rc);
    }

    /**
     * What a reader may see: every stored field except secrets, which show only whether they are set
     * (and, for the signing secret, whether the API's or the deployment's default applies).
     */
    private static Map<String, Object> view(String provider, JsonObject config, java.util.Set<String> secretsSet,
                                            boolean webhookSecretConfigured) {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("provider", provider);
        view.put("configured", config != null || !secretsSet.isEmpty());
        JsonObject c = config == null ? new JsonObject() : config;
        view.put("webhook_allowed_ips", c.getJsonArray("webhook_allowed_ips", new io.vertx.core.json.JsonArray()).getList());
        view.put("webhook_require_signature", c.getBoolean("webhook_require_signature", true));
        for (String field : ProviderConfigValidator.supportedFields()) {
            if (ProviderConfigValidator.SECRET_FIELDS.contains(field)) {
                view.put(field + "_configured", secretsSet.contains(field));
            } else if (!view.containsKey(field)) {
                Object value = c.getValue(field);
                view.put(field, value instanceof JsonObject o ? o.getMap()
                        : "proxy_url".equals(field) && value instanceof String url ? withoutPassword(url) : value);
            }
        }
        boolean fromApi = secretsSet.contains("webhook_secret");
        view.put("webhook_secret_configured", fromApi || webhookSecretConfigured);
        view.put("webhook_secret_source", fromApi ? "api" : webhookSecretConfigured ? "configuration" : null);
        return view;
    }

    /** A proxy URL's credentials are not for readers: {@code http://user:***@host:port}. */
    static String withoutPassword(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getUserInfo() == null) {
                return url;
            }
            String user = uri.getUserInfo().split(":", 2)[0];
            return uri.getScheme() + "://" + user + ":***@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
        } catch (IllegalArgumentException e) {
            return "***";
        }
    }

    private static Response unknown(String provider) {
        String shown = provider.length() > 64 ? provider.substring(0, 64) + "..." : provider;
        return JsonErrorMappers.json(404, "Unknown provider '" + shown + "'; known: "
                + String.join(", ", new ArrayList<>(ProviderConfigService.PROVIDERS)));
    }

    private static String displayName(String provider) {
        return switch (provider) {
            case "replicate" -> "Replicate";
            case "generic" -> "Generic (self-reported jobs)";
            default -> provider;
        };
    }
}
