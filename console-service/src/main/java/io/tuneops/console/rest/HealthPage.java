package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.MetricsApi;
import io.tuneops.console.client.MetricsApi.Health;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Shown;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Locale;

/** The suite's health from metrics-service, with its providers checked on demand. */
@Path("/health")
@Produces(MediaType.TEXT_HTML)
public class HealthPage {

    /** One component as shown: latency written out, status as a class name too. */
    public record ComponentRow(String name, String status, String latency, String message) {
    }

    public record Summary(String status, String version, String uptime, String checkedAt) {
    }

    /** templates/HealthPage/health.html; {@code summary} is null when metrics-service could not be asked. */
    record health(Layout layout, Summary summary, List<ComponentRow> components, boolean providersChecked, String error)
            implements TemplateInstance {
    }

    private final Pages pages;
    private final MetricsApi api;

    public HealthPage(Pages pages, MetricsApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("include_providers") String includeProviders, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        boolean providers = "true".equals(includeProviders);
        Layout layout = pages.layout(visitor, Section.HEALTH, "Health");
        return Shown.of(api.health(Caller.of(rc, visitor), providers)).map(h -> new health(layout,
                h.map(HealthPage::summary, null), h.map(HealthPage::rows, List.of()), providers, h.error()));
    }

    private static Summary summary(Health h) {
        return new Summary(h.status(), Formats.text(h.version()), Formats.duration(h.uptime_seconds()),
                Formats.time(h.timestamp()));
    }

    private static List<ComponentRow> rows(Health h) {
        return h.components() == null ? List.of() : h.components().stream().map(c -> new ComponentRow(c.name(),
                c.status() == null ? "unknown" : c.status().toLowerCase(Locale.ROOT),
                c.latency_ms() == null ? Formats.NONE : String.format(Locale.ROOT, "%.1f ms", c.latency_ms()),
                c.message())).toList();
    }
}
