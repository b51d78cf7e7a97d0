package io.tuneops.metrics.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.repository.ExportConfigRepository.ExportConfig;
import io.tuneops.metrics.service.CategoryValidation;
import io.tuneops.metrics.service.CategoryValidation.FieldError;
import io.tuneops.metrics.service.ExportConfigService;
import io.tuneops.metrics.service.MetricCatalog;
import io.tuneops.metrics.service.PrometheusExporter;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Configuration of the Prometheus export: which categories it serves and whether it serves
 * anything. Stored in PostgreSQL, the same on every replica. Access (viewer reads, admin writes):
 * the gateway checks it, and CallerAccess again here.
 */
@Path("/api/cloud/metrics/config")
@Produces(MediaType.APPLICATION_JSON)
public class MetricsConfigResource {

    public static final String ENDPOINT = "/api/cloud/metrics/prometheus";
    private static final Set<String> FIELDS = Set.of("prometheus_enabled", "prometheus_categories");

    private final ExportConfigService service;
    private final PrometheusExporter exporter;

    public MetricsConfigResource(ExportConfigService service, PrometheusExporter exporter) {
        this.service = service;
        this.exporter = exporter;
    }

    public record ConfigView(boolean prometheus_enabled, List<String> prometheus_categories, String endpoint_url,
                             String updated_at) {
        static ConfigView of(ExportConfig c) {
            return new ConfigView(c.prometheusEnabled(), c.prometheusCategories(), ENDPOINT,
                    c.updatedAt() == null ? null : c.updatedAt().toInstant().toString());
        }
    }

    public record ValidationError(String detail, List<FieldError> errors) {
    }

    public record Categories(List<MetricCatalog.Category> categories) {
    }

    public record Templates(List<MetricCatalog.Template> templates) {
    }

    public record Preview(String content, int metric_count, List<String> categories_used) {
    }

    @GET
    public Uni<ConfigView> get() {
        return service.get().map(ConfigView::of);
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> put(String body, RoutingContext rc) {
        Object parsed;
        try {
            parsed = body == null || body.isBlank() ? null : Json.decodeValue(body);
        } catch (DecodeException e) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "The request body is not JSON"));
        }
        if (!(parsed instanceof JsonObject fields) || fields.isEmpty()) {
            return Uni.createFrom().item(JsonErrorMappers.json(400,
                    "A JSON object with prometheus_enabled and/or prometheus_categories is required"));
        }
        List<FieldError> errors = new ArrayList<>();
        for (String name : fields.fieldNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field; supported: prometheus_enabled, prometheus_categories"));
            }
        }
        Optional<Boolean> enabled = Optional.empty();
        if (fields.containsKey("prometheus_enabled")) {
            if (fields.getValue("prometheus_enabled") instanceof Boolean b) {
                enabled = Optional.of(b);
            } else {
                errors.add(new FieldError("prometheus_enabled", "must be true or false"));
            }
        }
        Optional<List<String>> categories = Optional.empty();
        if (fields.containsKey("prometheus_categories")) {
            Object value = fields.getValue("prometheus_categories");
            CategoryValidation.Result result = CategoryValidation.check("prometheus_categories",
                    value instanceof JsonArray array ? array.getList() : value);
            if (result.errors() != null) {
                errors.addAll(result.errors());
            } else {
                categories = Optional.of(result.categories());
            }
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Response.status(400)
                    .entity(new ValidationError("Invalid metrics configuration; valid categories: "
                            + CategoryValidation.valid(), errors)).build());
        }
        return change(new ExportConfigService.Change(enabled, categories, null), rc);
    }

    @GET
    @Path("/categories")
    public Categories categories() {
        return new Categories(MetricCatalog.categories());
    }

    @GET
    @Path("/templates")
    public Templates templates() {
        return new Templates(MetricCatalog.templates());
    }

    /** The guide's path. Applying a template enables the export with the template's categories. */
    @POST
    @Path("/templates/{name}")
    public Uni<Response> applyTemplate(@PathParam("name") String name, RoutingContext rc) {
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
    public Uni<Response> applyTemplateAlias(@PathParam("name") String name, RoutingContext rc) {
        return applyTemplate(name, rc);
    }

    /** {@code ?categories=jobs&categories=health} (or comma-separated); none given: the configured ones. */
    @GET
    @Path("/preview")
    public Uni<Response> preview(@QueryParam("categories") List<String> categories) {
        if (categories == null || categories.isEmpty()) {
            return previewConfigured();
        }
        List<String> ids = new ArrayList<>();
        categories.forEach(c -> {
            for (String part : c.split(",")) {
                if (!part.isBlank()) {
                    ids.add(part.trim());
                }
            }
        });
        return preview("categories", ids);
    }

    /** A JSON array of category ids (or {"categories": [...]}); an empty body: the configured ones. */
    @POST
    @Path("/preview")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> previewPost(String body) {
        Object parsed;
        try {
            parsed = body == null || body.isBlank() ? null : Json.decodeValue(body);
        } catch (DecodeException e) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "The request body is not JSON"));
        }
        if (parsed == null) {
            return previewConfigured();
        }
        if (parsed instanceof JsonObject object && object.containsKey("categories")) {
            parsed = object.getValue("categories");
        }
        if (!(parsed instanceof JsonArray array)) {
            return Uni.createFrom().item(JsonErrorMappers.json(400,
                    "Expected a JSON array of category ids; valid: " + CategoryValidation.valid()));
        }
        return preview("categories", array.getList());
    }

    private Uni<Response> preview(String field, List<?> requested) {
        CategoryValidation.Result result = CategoryValidation.check(field, requested);
        if (result.errors() != null) {
            return Uni.createFrom().item(Response.status(400).entity(new ValidationError(
                    "Unknown metric category; valid categories: " + CategoryValidation.valid(), result.errors())).build());
        }
        return render(result.categories());
    }

    private Uni<Response> previewConfigured() {
        return service.get().flatMap(config -> render(config.prometheusCategories()));
    }

    private Uni<Response> render(List<String> categories) {
        return exporter.render(categories).map(content -> Response.ok(
                new Preview(content, countSamples(content), categories)).build());
    }

    static int countSamples(String content) {
        int count = 0;
        for (String line : content.split("\n")) {
            if (line.startsWith("simpletuner_")) {
                count++;
            }
        }
        return count;
    }

    private Uni<Response> change(ExportConfigService.Change change, RoutingContext rc) {
        GatewayIdentityHandler.GatewayIdentity identity = rc.get(GatewayIdentityHandler.IDENTITY);
        String actor = identity == null || identity.actor() == null ? "unknown" : identity.actor();
        String clientIp = identity == null ? null : identity.clientIp();
        return service.update(change, actor, clientIp)
                .map(after -> Response.ok(ConfigView.of(after)).build())
                .onFailure().recoverWithItem(e -> JsonErrorMappers.json(503,
                        "Configuration not changed: it could not be stored and recorded (" + e.getClass().getSimpleName() + ")"));
    }
}
