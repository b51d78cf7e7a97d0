package io.tuneops.metrics.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.repository.ExportConfigRepository.ExportConfig;
import io.tuneops.metrics.service.CategoryValidation.FieldError;
import io.tuneops.metrics.service.ExportConfigRequests;
import io.tuneops.metrics.service.ExportConfigService;
import io.tuneops.metrics.service.MetricCatalog;
import io.tuneops.metrics.service.PrometheusExporter;
import io.tuneops.metrics.service.PrometheusExporter.Preview;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Optional;

import static jakarta.ws.rs.core.MediaType.APPLICATION_JSON;

/**
 * Configuration of the Prometheus export: which categories it serves and whether it serves
 * anything. Stored in PostgreSQL, the same on every replica. Access (viewer reads, admin writes):
 * the gateway checks it, and CallerAccess again here.
 */
@Path("/api/cloud/metrics/config")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Metrics")
@SecurityRequirement(name = OpenApiDefinition.BEARER)
@SecurityRequirement(name = OpenApiDefinition.API_KEY)
@APIResponse(responseCode = "401", description = "No valid API key",
        content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
@APIResponse(responseCode = "403", description = "The API key lacks the scope (viewer reads and previews, admin changes)",
        content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
public class MetricsConfigResource {

    public static final String ENDPOINT = "/api/cloud/metrics/prometheus";
    private static final String CHANGED = "The configuration after the change";

    private final ExportConfigService service;
    private final PrometheusExporter exporter;

    public MetricsConfigResource(ExportConfigService service, PrometheusExporter exporter) {
        this.service = service;
        this.exporter = exporter;
    }

    /**
     * {@code tensorboard_enabled} is the original implementation's field (always false there too):
     * its clients read it; no TensorBoard export is offered.
     */
    public record ConfigView(boolean prometheus_enabled, List<String> prometheus_categories, boolean tensorboard_enabled,
                             String endpoint_url, String updated_at) {
        static ConfigView of(ExportConfig c) {
            return new ConfigView(c.prometheusEnabled(), c.prometheusCategories(), false, ENDPOINT,
                    c.updatedAt() == null ? null : c.updatedAt().toInstant().toString());
        }
    }

    /** The body of PUT as documented; ExportConfigRequests reads it field by field. */
    public record ConfigUpdate(Boolean prometheus_enabled, List<String> prometheus_categories) {
    }

    public record ValidationError(String detail, List<FieldError> errors) {
    }

    public record Categories(List<MetricCatalog.Category> categories) {
    }

    public record Templates(List<MetricCatalog.Template> templates) {
    }

    @GET
    @Operation(summary = "Read the export configuration")
    public Uni<ConfigView> get() {
        return service.get().map(ConfigView::of);
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Change the export configuration",
            description = "Either field may be left out to keep it; categories are stored in catalogue order, each once.")
    @RequestBody(content = @Content(mediaType = APPLICATION_JSON,
            schema = @Schema(implementation = ConfigUpdate.class)))
    @APIResponseSchema(value = ConfigView.class, responseCode = "200", responseDescription = CHANGED)
    @APIResponse(responseCode = "400", description = "Not a JSON object, an unknown field, or an unknown category",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    @APIResponse(responseCode = "503", description = "Not changed: it could not be stored and audited",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> put(String body, @Context RoutingContext rc) {
        return change(ExportConfigRequests.update(body), rc);
    }

    @GET
    @Path("/categories")
    @Operation(summary = "List the metric categories and the metric families of each")
    public Categories categories() {
        return new Categories(MetricCatalog.categories());
    }

    @GET
    @Path("/templates")
    @Operation(summary = "List the configuration templates")
    public Templates templates() {
        return new Templates(MetricCatalog.templates());
    }

    /** The guide's path. Applying a template enables the export with the template's categories. */
    @POST
    @Path("/templates/{name}")
    @Operation(summary = "Apply a configuration template",
            description = "Enables the export with the template's categories.")
    @APIResponseSchema(value = ConfigView.class, responseCode = "200", responseDescription = CHANGED)
    @APIResponse(responseCode = "404", description = "No template of that name",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not changed: it could not be stored and audited",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> applyTemplate(@Parameter(description = "minimal, standard, security or full")
                                       @PathParam("name") String name, @Context RoutingContext rc) {
        Optional<MetricCatalog.Template> template = MetricCatalog.template(name);
        if (template.isEmpty()) {
            String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
            return Uni.createFrom().item(JsonErrorMappers.json(404, "Template not found: " + shown + "; known: "
                    + String.join(", ", MetricCatalog.templates().stream().map(MetricCatalog.Template::id).toList())));
        }
        return change(new ExportConfigService.Change(Optional.of(true), Optional.of(template.get().categories()),
                template.get().id()), rc);
    }

    /** The original implementation's path for the same action. */
    @POST
    @Path("/apply-template/{name}")
    @Operation(summary = "Apply a configuration template (the original implementation's path)",
            description = "The same as POST /api/cloud/metrics/config/templates/{name}.")
    @APIResponseSchema(value = ConfigView.class, responseCode = "200", responseDescription = CHANGED)
    @APIResponse(responseCode = "404", description = "No template of that name",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Not changed: it could not be stored and audited",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> applyTemplateAlias(@Parameter(description = "minimal, standard, security or full")
                                            @PathParam("name") String name, @Context RoutingContext rc) {
        return applyTemplate(name, rc);
    }

    /** {@code ?categories=jobs&categories=health} (or comma-separated); none given: the configured ones. */
    @GET
    @Path("/preview")
    @Operation(summary = "Preview the export of some categories",
            description = "Renders the export as it would look, whether the export is enabled or not; changes nothing.")
    @APIResponseSchema(value = Preview.class, responseCode = "200", responseDescription = "The rendered export")
    @APIResponse(responseCode = "400", description = "An unknown category",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    public Uni<Preview> preview(
            @Parameter(description = "Category ids, repeated or comma-separated; none: the configured ones")
            @QueryParam("categories") List<String> categories) {
        return preview(ExportConfigRequests.previewCategories(categories));
    }

    /** A JSON array of category ids (or {"categories": [...]}); an empty body: the configured ones. */
    @POST
    @Path("/preview")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Preview the export of some categories",
            description = "A JSON array of category ids (or {\"categories\": [...]}); an empty body previews the "
                    + "configured ones. Changes nothing.")
    @RequestBody(content = @Content(mediaType = APPLICATION_JSON,
            schema = @Schema(type = SchemaType.ARRAY, implementation = String.class)))
    @APIResponseSchema(value = Preview.class, responseCode = "200", responseDescription = "The rendered export")
    @APIResponse(responseCode = "400", description = "Not JSON, not a list, or an unknown category",
            content = @Content(mediaType = APPLICATION_JSON, schema = @Schema(implementation = ValidationError.class)))
    public Uni<Preview> previewPost(String body) {
        return preview(ExportConfigRequests.previewCategories(body));
    }

    private Uni<Preview> preview(Optional<List<String>> categories) {
        return categories.isPresent() ? exporter.preview(categories.get()) : exporter.previewConfigured();
    }

    private Uni<Response> change(ExportConfigService.Change change, RoutingContext rc) {
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        String actor = identity == null || identity.actor() == null ? "unknown" : identity.actor();
        String clientIp = identity == null ? null : identity.clientIp();
        return service.update(change, actor, clientIp)
                .map(after -> Response.ok(ConfigView.of(after)).build())
                .onFailure().recoverWithItem(e -> JsonErrorMappers.unavailable("Configuration not changed: ", e));
    }
}
