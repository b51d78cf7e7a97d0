package io.tuneops.console.rest;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;
import io.tuneops.console.client.ApiProblem;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.PeopleApi;
import io.tuneops.console.client.PeopleApi.NewOrg;
import io.tuneops.console.client.PeopleApi.NewTeam;
import io.tuneops.console.client.PeopleApi.Org;
import io.tuneops.console.client.PeopleApi.Team;
import io.tuneops.console.client.PeopleApi.User;
import io.tuneops.console.client.PeopleApi.UserList;
import io.tuneops.console.web.Csrf;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.List;
import java.util.function.Function;

/**
 * Organisations with their teams and each team's members: create an organisation or a team, add a
 * user to a team or take them off it. The gateway owns them and is called with the browser's own
 * session. Admins only.
 */
@Path("/teams")
@Produces(MediaType.TEXT_HTML)
public class TeamsPage {

    public record Member(String id, String username, String role) {
    }

    /** A team with its members; {@code error} says why they are missing. */
    public record TeamView(String id, String name, List<Member> members, String error) {
    }

    public record OrgView(String id, String name, String slug, List<TeamView> teams, String error) {
    }

    /** templates/TeamsPage/teams.html; {@code users} are the choices of the add-member forms. */
    record teams(Layout layout, List<OrgView> orgs, String listError, List<Option> users, String notice, String actionError)
            implements TemplateInstance {
    }

    private final Pages pages;
    private final PeopleApi api;

    public TeamsPage(Pages pages, PeopleApi api) {
        this.pages = pages;
        this.api = api;
    }

    @GET
    public Uni<TemplateInstance> page(@Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        return render(visitor, rc, null, null);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> createOrg(@RestForm String name, @RestForm String slug, @RestForm(Csrf.FIELD) String csrf,
                                           @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return changed(visitor, rc, api.createOrg(Caller.of(rc, visitor), new NewOrg(trim(name), trim(slug))),
                org -> "Organisation " + org.name() + " was created (" + org.id() + ").", "Organisation not created: ");
    }

    @POST
    @Path("/{org}/teams")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> createTeam(@PathParam("org") String org, @RestForm String name,
                                            @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                            @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return changed(visitor, rc, api.createTeam(Caller.of(rc, visitor), org, new NewTeam(trim(name), null)),
                team -> "Team " + team.name() + " was created (" + team.id() + ").", "Team not created: ");
    }

    @POST
    @Path("/{org}/{team}/members")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> addMember(@PathParam("org") String org, @PathParam("team") String team,
                                           @RestForm("user_id") String userId, @RestForm(Csrf.FIELD) String csrf,
                                           @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return changed(visitor, rc, api.addMember(Caller.of(rc, visitor), org, team, trim(userId)),
                done -> "User " + userId + " was added to team " + team + ".", "Not added: ");
    }

    @POST
    @Path("/{org}/{team}/members/{user}/remove")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<TemplateInstance> removeMember(@PathParam("org") String org, @PathParam("team") String team,
                                              @PathParam("user") String user, @RestForm(Csrf.FIELD) String csrf,
                                              @RestHeader(Csrf.HEADER) String csrfHeader, @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.ADMIN);
        Csrf.require(visitor, csrf, csrfHeader);
        return changed(visitor, rc, api.removeMember(Caller.of(rc, visitor), org, team, user),
                done -> "User " + user + " was taken off team " + team + ".", "Not removed: ");
    }

    /** The page after a change: its notice, or the owner's refusal in its words. */
    private <T> Uni<TemplateInstance> changed(Visitor visitor, RoutingContext rc, Uni<Answer<T>> change,
                                              Function<T, String> notice, String refusal) {
        return Answer.recovering(change).chain(answer -> answer.fold(
                value -> render(visitor, rc, notice.apply(value), null),
                problem -> render(visitor, rc, null, refusal + describe(problem))));
    }

    private Uni<TemplateInstance> render(Visitor visitor, RoutingContext rc, String notice, String actionError) {
        Caller caller = Caller.of(rc, visitor);
        Uni<Shown<List<OrgView>>> orgs = Shown.of(api.orgs(caller)).chain(shown -> shown.error() != null
                ? Uni.createFrom().item(new Shown<>(null, shown.error()))
                : all(shown.value().organizations().stream().map(o -> org(caller, o)).toList()).map(v -> new Shown<>(v, null)));
        return Uni.combine().all().unis(orgs, Shown.of(api.users(caller))).asTuple().map(t -> new teams(
                pages.layout(visitor, Section.TEAMS, "Teams"), t.getItem1().map(v -> v, List.of()), t.getItem1().error(),
                t.getItem2().map(TeamsPage::choices, List.of()), notice, actionError));
    }

    private Uni<OrgView> org(Caller caller, Org org) {
        return Shown.of(api.teams(caller, org.id())).chain(shown -> shown.error() != null
                ? Uni.createFrom().item(new OrgView(org.id(), org.name(), org.slug(), List.of(), shown.error()))
                : all(shown.value().teams().stream().map(team -> team(caller, org, team)).toList())
                        .map(teams -> new OrgView(org.id(), org.name(), org.slug(), teams, null)));
    }

    private Uni<TeamView> team(Caller caller, Org org, Team team) {
        return Shown.of(api.members(caller, org.id(), team.id())).map(members -> new TeamView(team.id(), team.name(),
                members.map(m -> m.members().stream().map(u -> new Member(u.id(), u.username(), u.role())).toList(), List.of()),
                members.error()));
    }

    /** Every one, in order; none for none (Mutiny's join needs at least one). */
    private static <T> Uni<List<T>> all(List<Uni<T>> unis) {
        return unis.isEmpty() ? Uni.createFrom().item(List.of()) : Uni.join().all(unis).andFailFast();
    }

    private static List<Option> choices(UserList users) {
        return users.users().stream().filter(User::is_active)
                .map(u -> new Option(u.id(), u.username() + " (" + u.id() + ")", false)).toList();
    }

    private static String describe(ApiProblem problem) {
        return problem.errors().isEmpty() ? problem.detail() : problem.detail() + " ("
                + String.join("; ", problem.errors().stream().map(e -> e.field() + ": " + e.message()).toList()) + ")";
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
