package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * The gateway's people: users ({@code /api/users}), organisations, their teams and members
 * ({@code /api/orgs}). Called at the gateway itself with the browser's session cookie and CSRF
 * token, as the browser would call it: the gateway checks the visitor's role.
 */
@ApplicationScoped
public class PeopleApi {

    static final String USERS = "/api/users";
    static final String ORGS = "/api/orgs";

    /** A user as the gateway shows it (never a password hash). */
    public record User(String id, String username, String display_name, String email, String role, boolean is_active,
                       String org_id, List<String> team_ids, String created_at, String last_login_at) {
    }

    public record UserList(List<User> users) {
    }

    public record Org(String id, String name, String slug, String created_at) {
    }

    public record OrgList(List<Org> organizations) {
    }

    public record Team(String id, String org_id, String name, String slug, String created_at) {
    }

    public record TeamList(List<Team> teams) {
    }

    public record MemberList(List<User> members) {
    }

    /** The create-user body; a field left null is left out (the gateway's default applies). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewUser(String username, String display_name, String email, String password, String role,
                          String org_id, List<String> team_ids) {
    }

    /** A change of a user: only the fields set are sent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserChange(String display_name, String email, String role, Boolean is_active, String password) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewOrg(String name, String slug) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewTeam(String name, String slug) {
    }

    public record NewMember(String user_id) {
    }

    private final OwnerClient owners;

    public PeopleApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<UserList>> users(Caller caller) {
        return owners.get(Owner.GATEWAY, USERS, caller, UserList.class);
    }

    public Uni<Answer<User>> user(Caller caller, String id) {
        return owners.get(Owner.GATEWAY, USERS + "/" + Query.segment(id), caller, User.class);
    }

    public Uni<Answer<User>> create(Caller caller, NewUser user) {
        return owners.send(Owner.GATEWAY, HttpMethod.POST, USERS, caller, user, User.class);
    }

    public Uni<Answer<User>> change(Caller caller, String id, UserChange change) {
        return owners.send(Owner.GATEWAY, HttpMethod.PATCH, USERS + "/" + Query.segment(id), caller, change, User.class);
    }

    /** Deactivates: the user's keys and sessions stop working at once. */
    public Uni<Answer<Void>> deactivate(Caller caller, String id) {
        return owners.send(Owner.GATEWAY, HttpMethod.DELETE, USERS + "/" + Query.segment(id), caller, null, Void.class);
    }

    public Uni<Answer<OrgList>> orgs(Caller caller) {
        return owners.get(Owner.GATEWAY, ORGS, caller, OrgList.class);
    }

    public Uni<Answer<Org>> createOrg(Caller caller, NewOrg org) {
        return owners.send(Owner.GATEWAY, HttpMethod.POST, ORGS, caller, org, Org.class);
    }

    public Uni<Answer<TeamList>> teams(Caller caller, String org) {
        return owners.get(Owner.GATEWAY, ORGS + "/" + Query.segment(org) + "/teams", caller, TeamList.class);
    }

    public Uni<Answer<Team>> createTeam(Caller caller, String org, NewTeam team) {
        return owners.send(Owner.GATEWAY, HttpMethod.POST, ORGS + "/" + Query.segment(org) + "/teams", caller, team,
                Team.class);
    }

    public Uni<Answer<MemberList>> members(Caller caller, String org, String team) {
        return owners.get(Owner.GATEWAY, teamPath(org, team) + "/members", caller, MemberList.class);
    }

    public Uni<Answer<Void>> addMember(Caller caller, String org, String team, String userId) {
        return owners.send(Owner.GATEWAY, HttpMethod.POST, teamPath(org, team) + "/members", caller, new NewMember(userId),
                Void.class);
    }

    public Uni<Answer<Void>> removeMember(Caller caller, String org, String team, String userId) {
        return owners.send(Owner.GATEWAY, HttpMethod.DELETE, teamPath(org, team) + "/members/" + Query.segment(userId), caller,
                null, Void.class);
    }

    private static String teamPath(String org, String team) {
        return ORGS + "/" + Query.segment(org) + "/teams/" + Query.segment(team);
    }
}
