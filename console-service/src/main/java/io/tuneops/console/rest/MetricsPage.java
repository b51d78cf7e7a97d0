package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.MetricsApi;
import io.tuneops.console.client.MetricsApi.Categories;
import io.tuneops.console.client.MetricsApi.Category;
import io.tuneops.console.client.MetricsApi.ExportConfig;
import io.tuneops.console.client.MetricsApi.Preview;
import io.tuneops.console.client.MetricsApi.Template;
import io.tuneops.console.client.MetricsApi.Templates;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Shown;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Prometheus export (the guide's Metrics tab): enable or disable it, pick its categories,
 * apply a template, preview the output. Everyone reads and previews; admins change it.
 */
@Path("/metrics")
@Produces(MediaType.TEXT_HTML)
public class MetricsPage {

    /** A category as a checkbox. */
    public record Choice(String id, String name, String description, boolean checked) {
    }

    /** The export as configured; {@code updated} written out. */
    public record Export(boolean enabled, String endpointUrl, String updated) {
    }

    /**
     * templates/MetricsPage/metrics.html. {@code export} is null (and {@code errors.general} says
     * why) when metrics-service could not be asked.
     */
    record metrics(Layout layout, Export export, List<Choice> exportChoices, List<Choice> previewChoices,
                   List<Template> templates, Preview preview, FormErrors errors, String notice, boolean canEdit)
            implements TemplateInstance {
    }

    private record State(ExportConfig config, List<Category> categories, List<Template> templates, String error) {
    }

    private final Pages pages;
    private final MetricsApi api;

    public MetricsPage(Pages pages, MetricsApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return state(visitor, rc).map(s -> render(visitor, s, null, null, null, FormErrors.NONE, null));
    }

    @GET
    @Path("/preview")
    public Uni<TemplateInstance> preview(@QueryParam("categories") List<String> categories, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(state(visitor, rc), Answer.recovering(api.preview(caller, categories))).asTuple()
                .map(t -> t.getItem2().fold(
                        preview -> render(visitor, t.getItem1(), null, categories, preview, FormErrors.NONE, null),
                        problem -> render(visitor, t.getItem1(), null, categories, null,
                                FormErrors.of(problem, Set.of("categories"), Map.of("prometheus_categories", "categories")),
                                null)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> save(@RestForm("prometheus_enabled") String enabled,
                                      @RestForm("prometheus_categories") List<String> categories,
                                      @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        boolean on = enabled != null && !enabled.isBlank();
        List<String> chosen = categories == null ? List.of() : categories;
        return Answer.recovering(api.change(Caller.of(rc, visitor), on, chosen))
                .chain(answer -> state(visitor, rc).map(s -> answer.fold(
                        saved -> render(visitor, s, null, null, null, FormErrors.NONE,
                                "Saved: the export is " + (saved.prometheus_enabled() ? "enabled." : "disabled.")),
                        problem -> render(visitor, s, chosen, null, null,
                                FormErrors.of(problem, Set.of("prometheus_categories", "prometheus_enabled"), Map.of()),
                                null))));
    }

    @POST
    @Path("/templates/{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> applyTemplate(@PathParam("name") String name, @RestForm(Csrf.FIELD) String csrf,
                                               @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return Answer.recovering(api.applyTemplate(Caller.of(rc, visitor), name))
                .chain(answer -> state(visitor, rc).map(s -> answer.fold(
                        applied -> render(visitor, s, null, null, null, FormErrors.NONE,
                                "Template " + name + " applied: the export is enabled with "
                                        + String.join(", ", applied.prometheus_categories()) + "."),
                        problem -> render(visitor, s, null, null, null, FormErrors.general(problem.detail()), null))));
    }

    private Uni<State> state(Visitor visitor, RoutingContext rc) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Shown.of(api.config(caller)), Shown.of(api.categories(caller)),
                Shown.of(api.templates(caller))).asTuple().map(t -> new State(t.getItem1().value(),
                        t.getItem2().map(Categories::categories, List.of()), t.getItem3().map(Templates::templates, List.of()),
                        Shown.firstError(t.getItem1(), t.getItem2(), t.getItem3())));
    }

    /**
     * @param typedCategories the categories as sent in a refused save (null: as configured)
     * @param previewed       the categories of the preview (null: as configured)
     */
    private TemplateInstance render(Visitor visitor, State s, List<String> typedCategories, List<String> previewed,
                                    Preview preview, FormErrors errors, String notice) {
        List<String> configured = s.config() == null ? List.of() : s.config().prometheus_categories();
        List<String> exportChecked = typedCategories == null ? configured : typedCategories;
        List<String> previewChecked = previewed == null || previewed.isEmpty() ? configured : previewed;
        Export export = s.config() == null ? null : new Export(s.config().prometheus_enabled(), s.config().endpoint_url(),
                Formats.time(s.config().updated_at()));
        FormErrors shown = s.error() != null && errors.general() == null
                ? new FormErrors(errors.byField(), s.error()) : errors;
        return new metrics(pages.layout(visitor, Section.METRICS, "Metrics"), export, choices(s.categories(), exportChecked),
                choices(s.categories(), previewChecked), s.templates(), preview, shown, notice, visitor.canAdmin());
    }

    private static List<Choice> choices(List<Category> categories, List<String> checked) {
        return categories.stream().map(c -> new Choice(c.id(), c.name(), c.description(), checked.contains(c.id()))).toList();
    }
}
