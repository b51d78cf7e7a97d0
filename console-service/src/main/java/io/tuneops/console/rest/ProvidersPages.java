package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.OwnerUnavailable;
import io.tuneops.console.client.ProvidersApi;
import io.tuneops.console.client.ProvidersApi.ProviderList;
import io.tuneops.console.client.ProvidersApi.ProviderView;
import io.tuneops.console.client.ProvidersApi.Summary;
import io.tuneops.console.service.ProviderForm;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Refused;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The providers and each one's Advanced Configuration, as the operations guide names it. Everyone
 * reads it; only admins see the form's save button (webhook-service enforces the same).
 */
@Path("/providers")
@Produces(MediaType.TEXT_HTML)
public class ProvidersPages {

    static final Set<String> FIELDS = Set.of("webhook_allowed_ips", "webhook_require_signature", "ssl_verify",
            "ssl_ca_bundle", "proxy_url", "http_timeout", "api_base_url", "s3_endpoint_enabled", "s3_public_url",
            "s3_output_path", "api_token", "webhook_secret", "cost_limit", "hardware_prices");

    /** templates/ProvidersPages/providers.html */
    record providers(Layout layout, List<Summary> items, String error) implements TemplateInstance {
    }

    /** templates/ProvidersPages/provider.html; {@code saved} is the notice after a save. */
    record provider(Layout layout, String name, ProviderView view, ProviderForm form, FormErrors errors, boolean canEdit,
                    String saved) implements TemplateInstance {
    }

    private final Pages pages;
    private final ProvidersApi api;

    public ProvidersPages(Pages pages, ProvidersApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> list(@Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        Layout layout = pages.layout(visitor, Section.PROVIDERS, "Providers");
        return Shown.of(api.list(Caller.of(rc, visitor)))
                .map(list -> new providers(layout, list.map(ProviderList::providers, List.of()), list.error()));
    }

    @GET
    @Path("/{name}")
    public Uni<TemplateInstance> provider(@PathParam("name") String name, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.VIEWER);
        return current(visitor, rc, name).map(view -> page(visitor, name, view, ProviderForm.of(view), FormErrors.NONE, null));
    }

    @POST
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> save(@PathParam("name") String name,
                                      @RestForm("webhook_allowed_ips") String allowedIps,
                                      @RestForm("webhook_require_signature") String requireSignature,
                                      @RestForm("ssl_verify") String sslVerify,
                                      @RestForm("ssl_verify_ack") String sslVerifyAck,
                                      @RestForm("ssl_ca_bundle") String caBundle,
                                      @RestForm("proxy_url") String proxyUrl,
                                      @RestForm("http_timeout") String httpTimeout,
                                      @RestForm("api_base_url") String apiBaseUrl,
                                      @RestForm("s3_endpoint_enabled") String s3Enabled,
                                      @RestForm("s3_public_url") String s3PublicUrl,
                                      @RestForm("s3_output_path") String s3OutputPath,
                                      @RestForm("api_token") String apiToken,
                                      @RestForm("api_token_clear") String apiTokenClear,
                                      @RestForm("webhook_secret") String webhookSecret,
                                      @RestForm("webhook_secret_clear") String webhookSecretClear,
                                      @RestForm("cost_limit_amount") String costAmount,
                                      @RestForm("cost_limit_period") String costPeriod,
                                      @RestForm("cost_limit_action") String costAction,
                                      @RestForm("hardware_prices") String hardwarePrices,
                                      @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        ProviderForm form = new ProviderForm(allowedIps, checked(requireSignature), sslVerify, checked(sslVerifyAck),
                caBundle, proxyUrl, httpTimeout, apiBaseUrl, s3Enabled, s3PublicUrl, s3OutputPath, apiToken,
                checked(apiTokenClear), webhookSecret, checked(webhookSecretClear), costAmount, costPeriod, costAction,
                hardwarePrices);
        Caller caller = Caller.of(rc, visitor);
        return current(visitor, rc, name).chain(view -> {
            ProviderForm.Built built = form.build(view);
            if (!built.errors().isEmpty()) {
                return Uni.createFrom().item(page(visitor, name, view, keepTyped(form), FormErrors.local(built.errors()), null));
            }
            return api.change(caller, name, built.change())
                    .map(answer -> answer.fold(
                            saved -> page(visitor, name, saved, ProviderForm.of(saved), FormErrors.NONE,
                                    "Saved. The allowlist reaches every gateway at once."),
                            problem -> page(visitor, name, view, keepTyped(form),
                                    FormErrors.of(problem, FIELDS, Map.of()), null)))
                    .onFailure(OwnerUnavailable.class).recoverWithItem(e -> page(visitor, name, view, keepTyped(form),
                            FormErrors.general("Not saved: " + e.getMessage()), null));
        });
    }

    private Uni<ProviderView> current(Visitor visitor, RoutingContext rc, String name) {
        return api.get(Caller.of(rc, visitor), name).map(answer -> answer.fold(view -> view, problem -> {
            throw answer.status() == 404 ? Refused.notFound(visitor, problem.detail()) : Refused.owner(visitor, problem.detail());
        }));
    }

    private TemplateInstance page(Visitor visitor, String name, ProviderView view, ProviderForm form, FormErrors errors,
                                  String saved) {
        return new provider(pages.layout(visitor, Section.PROVIDERS, "Advanced Configuration: " + name), name, view, form,
                errors, visitor.canAdmin(), saved);
    }

    /** A form shown again after a refusal keeps what was typed, except the secrets, which are never echoed into a page. */
    private static ProviderForm keepTyped(ProviderForm form) {
        return new ProviderForm(form.webhookAllowedIps(), form.webhookRequireSignature(), form.sslVerify(),
                form.sslVerifyAck(), form.sslCaBundle(), form.proxyUrl(), form.httpTimeout(), form.apiBaseUrl(),
                form.s3EndpointEnabled(), form.s3PublicUrl(), form.s3OutputPath(), "", form.apiTokenClear(), "",
                form.webhookSecretClear(), form.costLimitAmount(), form.costLimitPeriod(), form.costLimitAction(),
                form.hardwarePrices());
    }

    private static boolean checked(String value) {
        return value != null && !value.isBlank() && !"false".equals(value);
    }
}
