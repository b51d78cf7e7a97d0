package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.ApiKeysApi;
import io.tuneops.console.client.ApiKeysApi.Created;
import io.tuneops.console.client.ApiKeysApi.Key;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Confirmations;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Ids;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
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
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * API keys: the gateway's, read and changed at the gateway with the browser's own session (cookie
 * and CSRF token). A new key is shown once, on the answer to its creation, with a copy button.
 * Admins only.
 */
@Path("/keys")
@Produces(MediaType.TEXT_HTML)
public class ApiKeysPage {

    static final List<String> SCOPES = List.of("viewer", "operator", "admin");
    static final Set<String> FIELDS = Set.of("name", "scopes", "expires_at");

    /** A key as listed. */
    public record KeyRow(String id, String name, String prefix, String scopes, String created, String createdBy,
                         String expires, String status, boolean active) {
    }

    /** The create form as typed. */
    public record NewKey(String name, List<Option> scopes, String expiresAt) {
    }

    /**
     * templates/ApiKeysPage/keys.html; {@code created} holds the new key, shown this once, and
     * {@code listError} says why the list is missing.
     */
    record keys(Layout layout, List<KeyRow> rows, String listError, NewKey form, FormErrors errors, Created created,
                String notice, String actionError) implements TemplateInstance {
    }

    private final Pages pages;
    private final ApiKeysApi api;

    public ApiKeysPage(Pages pages, ApiKeysApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@QueryParam("revoked") String revoked, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        String notice = Ids.notice(revoked, id -> "Key " + id + " was revoked: it and its sessions no longer work.");
        return render(visitor, rc, blank(), FormErrors.NONE, null, notice, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> create(@RestForm String name, @RestForm List<String> scopes,
                                        @RestForm("expires_at") String expiresAt, @RestForm(Csrf.FIELD) String csrf,
                                        @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        List<String> chosen = scopes == null ? List.of() : scopes;
        String expiry = expiresAt == null || expiresAt.isBlank() ? null : expiresAt.trim();
        NewKey typed = new NewKey(name, SCOPES.stream().map(s -> new Option(s, s, chosen.contains(s))).toList(), expiry);
        return Answer.recovering(api.create(Caller.of(rc, visitor), name == null ? "" : name.trim(), chosen, expiry))
                .chain(answer -> answer.fold(
                        created -> render(visitor, rc, blank(), FormErrors.NONE, created, null, null),
                        problem -> render(visitor, rc, typed, FormErrors.of(problem, FIELDS, Map.of()), null, null, null)));
    }

    @GET
    @Path("/{id}/revoke")
    public TemplateInstance confirmRevoke(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        return new Confirmations.confirm(pages.layout(visitor, Section.KEYS, "Revoke key"), "Revoke key " + id + "?",
                "Every request and console session using this key stops working at once. This cannot be undone.",
                "/keys/" + Query.segment(id) + "/revoke", "confirm-revoke", "Yes, revoke the key", "/keys");
    }

    @POST
    @Path("/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> revoke(@PathParam("id") String id, @RestForm(Csrf.FIELD) String csrf,
                                @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return Pages.changed(rc, api.revoke(Caller.of(rc, visitor), id), "/keys" + Query.of().add("revoked", id),
                refusal -> render(visitor, rc, blank(), FormErrors.NONE, null, null, "Not revoked: " + refusal));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, NewKey form, FormErrors errors, Created created,
                                         String notice, String actionError) {
        return Shown.of(api.list(Caller.of(rc, visitor))).map(list -> new keys(
                pages.layout(visitor, Section.KEYS, "API keys"),
                list.map(l -> l.api_keys().stream().map(ApiKeysPage::row).toList(), List.of()), list.error(), form, errors,
                created, notice, actionError));
    }

    private static NewKey blank() {
        return new NewKey("", SCOPES.stream().map(s -> new Option(s, s, s.equals("viewer"))).toList(), null);
    }

    static KeyRow row(Key k) {
        return new KeyRow(k.id(), k.name(), k.prefix(), k.scopes() == null ? "" : String.join(", ", k.scopes()),
                Formats.time(k.created_at()), Formats.text(k.created_by()),
                k.expires_at() == null ? "never" : Formats.time(k.expires_at()), k.status(), "active".equals(k.status()));
    }
}
