package io.tuneops.console.client;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/** metrics-service: the export configuration ({@code /api/cloud/metrics/config}) and the suite's health. */
@ApplicationScoped
public class MetricsApi {

    static final String CONFIG = "/api/cloud/metrics/config";
    static final String HEALTH = "/api/cloud/health";

    public record ExportConfig(boolean prometheus_enabled, List<String> prometheus_categories, String endpoint_url,
                               String updated_at) {
    }

    public record Category(String id, String name, String description, List<String> metrics) {
    }

    public record Categories(List<Category> categories) {
    }

    public record Template(String id, String name, String description, List<String> categories) {
    }

    public record Templates(List<Template> templates) {
    }

    public record Preview(String content, int metric_count, List<String> categories_used) {
    }

    public record Component(String name, String status, Double latency_ms, String message) {
    }

    public record Health(String status, String version, double uptime_seconds, String timestamp,
                         List<Component> components) {
    }

    private final OwnerClient owners;

    public MetricsApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<ExportConfig>> config(Caller caller) {
        return owners.get(Owner.METRICS, CONFIG, caller, ExportConfig.class);
    }

    public Uni<Answer<Categories>> categories(Caller caller) {
        return owners.get(Owner.METRICS, CONFIG + "/categories", caller, Categories.class);
    }

    public Uni<Answer<Templates>> templates(Caller caller) {
        return owners.get(Owner.METRICS, CONFIG + "/templates", caller, Templates.class);
    }

    public Uni<Answer<ExportConfig>> change(Caller caller, boolean enabled, List<String> categories) {
        return owners.send(Owner.METRICS, HttpMethod.PUT, CONFIG, caller,
                Map.of("prometheus_enabled", enabled, "prometheus_categories", categories), ExportConfig.class);
    }

    public Uni<Answer<ExportConfig>> applyTemplate(Caller caller, String template) {
        return owners.send(Owner.METRICS, HttpMethod.POST, CONFIG + "/templates/" + Query.segment(template), caller, null,
                ExportConfig.class);
    }

    /** Renders the export of these categories (none: the configured ones) without changing anything. */
    public Uni<Answer<Preview>> preview(Caller caller, List<String> categories) {
        return owners.get(Owner.METRICS, CONFIG + "/preview" + Query.of().add("categories", categories), caller,
                Preview.class);
    }

    /**
     * The suite's health; 503 (unhealthy) carries the same body, so it is read as a value too.
     * {@code includeProviders} makes webhook-service call each provider's API.
     */
    public Uni<Answer<Health>> health(Caller caller, boolean includeProviders) {
        String query = includeProviders ? "?include_providers=true" : "";
        return owners.getText(Owner.METRICS, HEALTH + query, caller).map(reply -> reply.status() == 503
                && reply.body().contains("\"components\"") ? reply.answerAsOk(Health.class) : reply.answer(Health.class));
    }
}
