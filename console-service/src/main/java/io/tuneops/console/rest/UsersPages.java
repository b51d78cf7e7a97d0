package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.PeopleApi;
import io.tuneops.console.client.PeopleApi.NewUser;
import io.tuneops.console.client.PeopleApi.Org;
import io.tuneops.console.client.PeopleApi.OrgList;
import io.tuneops.console.client.PeopleApi.User;
import io.tuneops.console.client.PeopleApi.UserChange;
import io.tuneops.console.client.PeopleApi.UserList;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.Formats;
import io.tuneops.console.web.Confirmations;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Ids;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Users: the list, a new user, a user's role, details and password, and deactivation (their keys
 * and sessions stop working at once). The gateway owns them and is called with the browser's own
 * session, as for the API keys. Admins only.
 */
@Path("/users")
@Produces(MediaType.TEXT_HTML)
public class UsersPages {

    static final List<String> ROLES = List.of("viewer", "operator", "admin");
    static final Set<String> FIELDS = Set.of("username", "display_name", "email", "password", "role", "org_id", "is_active");

    public record UserRow(String id, String username, String displayName, String email, String role, boolean active,
                          String org, String teams, String lastSignIn) {
    }

    /** The create form, or a user's edit form, as typed. */
    public record UserForm(String username, String displayName, String email, List<Option> roles, List<Option> orgs,
                           boolean active) {
    }

    /** templates/UsersPages/users.html */
    record users(Layout layout, List<UserRow> rows, String listError, UserForm form, FormErrors errors, String notice,
                 String actionError) implements TemplateInstance {
    }

    /** templates/UsersPages/user.html */
    record user(Layout layout, UserRow shown, UserForm form, FormErrors errors, String notice) implements TemplateInstance {
    }

    private final Pages pages;
    private final PeopleApi api;

    public UsersPages(Pages pages, PeopleApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> list(@QueryParam("deactivated") String deactivated, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        String notice = Ids.notice(deactivated,
                id -> "User " + id + " was deactivated: their keys and sessions no longer work.");
        return render(visitor, rc, null, FormErrors.NONE, notice, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> create(@RestForm String username, @RestForm("display_name") String displayName,
                                        @RestForm String email, @RestForm String password, @RestForm String role,
                                        @RestForm("org_id") String orgId, @RestForm(Csrf.FIELD) String csrf,
                                        @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        Typed typed = new Typed(username, displayName, email, role, orgId, true);
        NewUser created = new NewUser(trim(username), trim(displayName), trim(email), password == null || password.isEmpty()
                ? null : password, trim(role), trim(orgId), null);
        return Answer.recovering(api.create(Caller.of(rc, visitor), created)).chain(answer -> answer.fold(
                user -> render(visitor, rc, null, FormErrors.NONE, "User " + user.username() + " was created (" + user.id()
                        + ").", null),
                problem -> render(visitor, rc, typed, FormErrors.of(problem, FIELDS, Map.of()), null, null)));
    }

    @GET
    @Path("/{id}")
    public Uni<TemplateInstance> user(@PathParam("id") String id, @QueryParam("saved") String saved,
                                      @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        return found(visitor, rc, id).map(u -> new user(layout(visitor, u), row(u), form(Typed.of(u), List.of(), false),
                FormErrors.NONE, saved == null ? null : "Saved."));
    }

    /** A change of role, details, active state or password; a password field left empty keeps the password. */
    @POST
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> change(@PathParam("id") String id, @RestForm("display_name") String displayName,
                                @RestForm String email, @RestForm String role, @RestForm("is_active") String active,
                                @RestForm String password, @RestForm(Csrf.FIELD) String csrf,
                                @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        boolean isActive = active != null && !active.isBlank() && !"false".equals(active);
        // an emptied email is sent as "", which removes it; a field the form did not send stays as it is
        UserChange change = new UserChange(trim(displayName), email == null ? null : email.trim(), trim(role), isActive,
                password == null || password.isEmpty() ? null : password);
        return found(visitor, rc, id).chain(u -> Pages.changedOrForm(rc, api.change(Caller.of(rc, visitor), id, change),
                "/users/" + Query.segment(id) + "?saved=1",
                problem -> Uni.createFrom().item(new user(layout(visitor, u), row(u),
                        form(new Typed(u.username(), displayName, email, role, u.org_id(), isActive), List.of(), false),
                        FormErrors.of(problem, FIELDS, Map.of()), null))));
    }

    @GET
    @Path("/{id}/deactivate")
    public TemplateInstance confirmDeactivate(@PathParam("id") String id, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        return new Confirmations.confirm(pages.layout(visitor, Section.USERS, "Deactivate user"), "Deactivate user " + id + "?",
                "Their API keys and console sessions stop working at once. An admin can activate them again.",
                "/users/" + Query.segment(id) + "/deactivate", "confirm-deactivate", "Yes, deactivate the user", "/users");
    }

    @POST
    @Path("/{id}/deactivate")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> deactivate(@PathParam("id") String id, @RestForm(Csrf.FIELD) String csrf,
                                    @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return Pages.changed(rc, api.deactivate(Caller.of(rc, visitor), id), "/users" + Query.of().add("deactivated", id),
                refusal -> render(visitor, rc, null, FormErrors.NONE, null, "Not deactivated: " + refusal));
    }

    /** The form as typed (or as stored). */
    record Typed(String username, String displayName, String email, String role, String orgId, boolean active) {
        static Typed of(User u) {
            return new Typed(u.username(), u.display_name(), u.email(), u.role(), u.org_id(), u.is_active());
        }
    }

    private Uni<User> found(Visitor visitor, RoutingContext rc, String id) {
        return Answer.recovering(api.user(Caller.of(rc, visitor), id)).map(answer -> answer.fold(u -> u, problem -> {
            throw answer.status() == 404 ? Refused.notFound(visitor, problem.detail()) : Refused.owner(visitor, problem.detail());
        }));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, Typed typed, FormErrors errors, String notice,
                                         String actionError) {
        Caller caller = Caller.of(rc, visitor);
        return Uni.combine().all().unis(Shown.of(api.users(caller)), Shown.of(api.orgs(caller))).asTuple().map(t -> {
            Shown<UserList> list = t.getItem1();
            List<Org> orgs = t.getItem2().map(OrgList::organizations, List.of());
            return new users(pages.layout(visitor, Section.USERS, "Users"),
                    list.map(l -> l.users().stream().map(UsersPages::row).toList(), List.of()),
                    list.error(),
                    form(typed == null ? new Typed("", "", "", "viewer", null, true) : typed, orgs, true), errors, notice,
                    actionError);
        });
    }

    private Layout layout(Visitor visitor, User u) {
        return pages.layout(visitor, Section.USERS, "User " + u.username());
    }

    static UserForm form(Typed typed, List<Org> orgs, boolean withOrg) {
        List<Option> orgOptions = new ArrayList<>();
        if (withOrg) {
            orgOptions.add(new Option("", "the default organisation", typed.orgId() == null || typed.orgId().isBlank()));
            orgs.forEach(o -> orgOptions.add(new Option(o.id(), o.name(), o.id().equals(typed.orgId()))));
        }
        return new UserForm(text(typed.username()), text(typed.displayName()), text(typed.email()),
                Option.of(ROLES, typed.role()), orgOptions, typed.active());
    }

    static UserRow row(User u) {
        return new UserRow(u.id(), u.username(), Formats.text(u.display_name()), Formats.text(u.email()), u.role(),
                u.is_active(), Formats.text(u.org_id()),
                u.team_ids() == null || u.team_ids().isEmpty() ? Formats.NONE : String.join(", ", u.team_ids()),
                Formats.time(u.last_login_at()));
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
