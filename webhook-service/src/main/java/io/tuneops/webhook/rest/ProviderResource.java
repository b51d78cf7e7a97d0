package io.tuneops.webhook.rest;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.Provider;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Provider configuration. Both the guide's path and the original's alias ({@code .../config})
 * answer. Access (viewer reads, admin writes) is enforced by the gateway and again by CallerAccess.
 */
@Path("/api/cloud/providers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Providers")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class ProviderResource {

    private static final Logger LOG = Logger.getLogger(ProviderResource.class);

    private final ProviderConfigService service;

    public ProviderResource(ProviderConfigService service) {
        this.service = service;
    }

    public record ProviderSummary(Provider name, String display_name, boolean configured) {
    }

    public record ProviderList(List<ProviderSummary> providers) {
    }

    @GET
    @Operation(summary = "List the providers", description = "Every provider tuneops can drive and whether it has "
            + "a configuration.")
    @APIResponse(responseCode = "200", description = "The providers",
            content = @Content(schema = @Schema(implementation = ProviderList.class)))
    public Uni<ProviderList> list() {
        return Uni.combine().all().unis(service.all(), service.secretNames()).asTuple()
                .map(t -> new ProviderList(Arrays.stream(Provider.values())
                        .map(p -> new ProviderSummary(p, p.displayName(), t.getItem1().containsKey(p) || t.getItem2().containsKey(p)))
                        .toList()));
    }

    @GET
    @Path("/{provider}")
    @Operation(summary = "Read a provider's configuration", description = "Secrets show only whether they are set.")
    @APIResponse(responseCode = "200", description = "The configuration; the same under config",
            content = @Content(schema = @Schema(implementation = ProviderAnswer.class)))
    @APIResponse(responseCode = "404", description = "No such provider",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@PathParam("provider") String provider) {
        Optional<Provider> known = Provider.fromWire(provider);
        if (known.isEmpty()) {
            return Uni.createFrom().item(unknown(provider));
        }
        return Uni.combine().all().unis(service.get(known.get()), service.secretNames()).asTuple()
                .map(t -> Response.ok(answer(view(known.get(), t.getItem1().orElse(null), t.getItem2().get(known.get())))).build());
    }

    @GET
    @Path("/{provider}/config")
    @Operation(summary = "Read a provider's configuration (alias)")  // described by RouteDocumentation
    public Uni<Response> getAlias(@PathParam("provider") String provider) {
        return get(provider);
    }

    @PUT
    @Path("/{provider}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a provider's configuration", description = "A partial update, recorded in the audit "
            + "trail; the webhook allowlist reaches every gateway at once. The original tool's cost_limit_enabled,"
            + " cost_limit_amount, cost_limit_period and cost_limit_action change the stored cost_limit field by field"
            + " (enabled false removes it).")
    @RequestBody(content = @Content(schema = @Schema(implementation = ProviderConfigChange.class)))
    @APIResponse(responseCode = "200", description = "The configuration after the change; the same under config",
            content = @Content(schema = @Schema(implementation = ProviderAnswer.class)))
    @APIResponse(responseCode = "400", description = "Invalid configuration: every wrong field is named; nothing changed",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "404", description = "No such provider",
            content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> put(@PathParam("provider") String provider, JsonObject body, @Context RoutingContext rc) {
        Optional<Provider> known = Provider.fromWire(provider);
        if (known.isEmpty()) {
            return Uni.createFrom().item(unknown(provider));
        }
        if (body == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "A JSON object with the fields to change is required"));
        }
        if (OriginalCostLimit.used(body)) {
            if (body.containsKey("cost_limit")) {
                return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid provider configuration",
                        List.of(new FieldError("cost_limit", "give cost_limit or the cost_limit_* fields, not both")))).build());
            }
            return service.get(known.get())
                    .onFailure().recoverWithItem(e -> null)
                    .chain(stored -> stored == null
                            ? Uni.createFrom().item(JsonErrorMappers.json(503, "Configuration not changed: the stored cost limit"
                                    + " could not be read; retry shortly"))
                            : change(known.get(), OriginalCostLimit.fold(body, stored.orElse(null)), rc));
        }
        return change(known.get(), body, rc);
    }

    private Uni<Response> change(Provider known, JsonObject body, RoutingContext rc) {
        String provider = known.wire();
        ProviderConfigValidator.Result result = ProviderConfigValidator.validate(body);
        if (!result.errors().isEmpty()) {
            return Uni.createFrom().item(Response.status(400)
                    .entity(new ValidationError("Invalid provider configuration", result.errors())).build());
        }
        Caller caller = Caller.of(rc);
        return service.update(known, result.accepted(), caller.actor(), caller.clientIp())
                .chain(merged -> service.secretNames()
                        .map(names -> Response.ok(answer(view(known, merged, names.get(known)))).build()))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("configuration of %s not changed: %s", provider, e.toString());
                    return JsonErrorMappers.unavailable("Configuration not changed: ", e);
                });
    }

    @PUT
    @Path("/{provider}/config")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a provider's configuration (alias)")  // described by RouteDocumentation
    public Uni<Response> putAlias(@PathParam("provider") String provider, JsonObject body, @Context RoutingContext rc) {
        return put(provider, body, rc);
    }

    /** A provider's configuration, and the same under {@code config}, as the original tool's client reads it. */
    public record ProviderAnswer(@JsonUnwrapped ProviderView view, ProviderView config) {
    }

    private static ProviderAnswer answer(ProviderView view) {
        return new ProviderAnswer(view, view);
    }

    private ProviderView view(Provider provider, JsonObject config, Set<String> secretsSet) {
        return ProviderView.of(provider, config, secretsSet == null ? Set.of() : secretsSet,
                service.hasConfiguredWebhookSecret(provider));
    }

    private static Response unknown(String provider) {
        String shown = provider.length() > 64 ? provider.substring(0, 64) + "..." : provider;
        return JsonErrorMappers.json(404, "Unknown provider '" + shown + "'; known: " + String.join(", ", Provider.wireNames()));
    }
}
