package io.tuneops.gateway.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.repository.OrgRecord;
import io.tuneops.gateway.repository.OrgRepository;
import io.tuneops.gateway.repository.TeamRecord;
import io.tuneops.gateway.repository.UserRecord;
import io.tuneops.gateway.repository.UserRepository;
import io.tuneops.gateway.security.Identity;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Organisations, their teams and the teams' members. Each change and its audit event stand or
 * fall together (see {@link ApiKeyService}). A change of someone's teams reaches their identity
 * (the teams the gateway vouches for) on this replica at once and on the others within the key
 * cache time.
 */
@ApplicationScoped
public class OrgService {

    private final OrgRepository orgs;
    private final UserRepository users;
    private final UserService people;
    private final GatewayAuditTrail audit;
    private final StoreDeadlines deadlines;

    public OrgService(OrgRepository orgs, UserRepository users, UserService people, GatewayAuditTrail audit,
                      StoreDeadlines deadlines) {
        this.orgs = orgs;
        this.users = users;
        this.people = people;
        this.audit = audit;
        this.deadlines = deadlines;
    }

    /** The details of organisation and team audit events. */
    record OrgAudit(String name, String slug, String org_id) implements AuditDetails {
    }

    /** The details of membership audit events. */
    record MemberAudit(String team_id, String org_id, String user_id, String username) implements AuditDetails {
    }

    public Uni<List<OrgRecord>> list() {
        return orgs.list();
    }

    /** The organisation with this id or slug. */
    public Uni<Optional<OrgRecord>> find(String org) {
        return orgs.find(org);
    }

    public Uni<OrgRecord> create(String name, String slug, Identity by, String clientIp) {
        OrgRecord org = new OrgRecord(UserService.newId("org"), name, slug, OffsetDateTime.now(ZoneOffset.UTC));
        return deadlines.transaction(orgs.pool(), tx -> orgs.insert(tx, org), (done, left) -> UserService.audited(audit.append(
                        AuditEvent.of("org.created", by.actor(), clientIp, "org", org.id(), "create",
                                new OrgAudit(name, slug, org.id())), left)))
                .onFailure().transform(e -> UserService.refused(e, "An organisation with slug " + slug + " exists already"))
                .replaceWith(org);
    }

    public Uni<OrgRecord> update(OrgRecord org, String name, String slug, Identity by, String clientIp) {
        String newName = name == null ? org.name() : name;
        String newSlug = slug == null ? org.slug() : slug;
        return deadlines.transaction(orgs.pool(), tx -> orgs.update(tx, org.id(), newName, newSlug)
                                .map(found -> found.orElseThrow(() -> PeopleFailure.notFound("No organisation " + org.id()))),
                        (changed, left) -> UserService.audited(audit.append(AuditEvent.of("org.updated", by.actor(), clientIp,
                                "org", org.id(), "update", new OrgAudit(newName, newSlug, org.id())), left)))
                .onFailure().transform(e -> UserService.refused(e, "An organisation with slug " + newSlug + " exists already"));
    }

    /** Deletes the organisation and its teams; refused while users belong to it (deactivated ones too). */
    public Uni<Boolean> delete(OrgRecord org, Identity by, String clientIp) {
        return deadlines.transaction(orgs.pool(), tx -> orgs.delete(tx, org.id()),
                        (deleted, left) -> !deleted ? Uni.createFrom().voidItem() : UserService.audited(audit.append(
                                AuditEvent.of("org.deleted", by.actor(), clientIp, "org", org.id(), "delete",
                                        new OrgAudit(org.name(), org.slug(), org.id())), left)))
                .onFailure().transform(e -> PeopleFailure.reference(e)
                        ? PeopleFailure.conflict("Organisation " + org.id() + " still has users: move them to another organisation first")
                        : UserService.refused(e, "conflict"));
    }

    public Uni<List<TeamRecord>> teams(OrgRecord org) {
        return orgs.teams(org.id());
    }

    public Uni<Optional<TeamRecord>> team(OrgRecord org, String team) {
        return orgs.team(org.id(), team);
    }

    public Uni<TeamRecord> createTeam(OrgRecord org, String name, String slug, Identity by, String clientIp) {
        TeamRecord team = new TeamRecord(UserService.newId("team"), org.id(), name, slug, OffsetDateTime.now(ZoneOffset.UTC));
        return deadlines.transaction(orgs.pool(), tx -> orgs.insertTeam(tx, team), (done, left) -> UserService.audited(audit.append(
                        AuditEvent.of("team.created", by.actor(), clientIp, "team", team.id(), "create",
                                new OrgAudit(name, slug, org.id())), left)))
                .onFailure().transform(e -> UserService.refused(e, "Organisation " + org.id() + " has a team with slug " + slug + " already"))
                .replaceWith(team);
    }

    public Uni<TeamRecord> updateTeam(TeamRecord team, String name, String slug, Identity by, String clientIp) {
        String newName = name == null ? team.name() : name;
        String newSlug = slug == null ? team.slug() : slug;
        return deadlines.transaction(orgs.pool(), tx -> orgs.updateTeam(tx, team.id(), newName, newSlug)
                                .map(found -> found.orElseThrow(() -> PeopleFailure.notFound("No team " + team.id()))),
                        (changed, left) -> UserService.audited(audit.append(AuditEvent.of("team.updated", by.actor(), clientIp,
                                "team", team.id(), "update", new OrgAudit(newName, newSlug, team.orgId())), left)))
                .onFailure().transform(e -> UserService.refused(e, "The organisation has a team with slug " + newSlug + " already"));
    }

    /** Deletes the team and its memberships. */
    public Uni<Boolean> deleteTeam(TeamRecord team, Identity by, String clientIp) {
        List<String> members = new ArrayList<>();
        return deadlines.transaction(orgs.pool(), tx -> orgs.memberIds(tx, team.id()).invoke(members::addAll)
                                .chain(() -> orgs.deleteTeam(tx, team.id())),
                        (deleted, left) -> !deleted ? Uni.createFrom().voidItem() : UserService.audited(audit.append(
                                AuditEvent.of("team.deleted", by.actor(), clientIp, "team", team.id(), "delete",
                                        new OrgAudit(team.name(), team.slug(), team.orgId())), left)))
                .onFailure().transform(e -> UserService.refused(e, "conflict"))
                .call(() -> Uni.join().all(members.stream().map(people::forgetLocally).toList()).andCollectFailures()
                        .replaceWithVoid().onFailure().recoverWithNull());
    }

    public Uni<List<UserRecord>> members(TeamRecord team) {
        return users.listOfTeam(team.id());
    }

    public Uni<List<UserRecord>> members(OrgRecord org) {
        return users.listOfOrg(org.id());
    }

    /** Adds a user of the team's organisation to the team; answers the user as they are now. */
    public Uni<UserRecord> addMember(TeamRecord team, String userId, Identity by, String clientIp) {
        return users.findById(userId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().failure(PeopleFailure.invalid("user_id", "no such user"));
            }
            UserRecord user = found.get();
            if (!team.orgId().equals(user.orgId())) {
                return Uni.createFrom().failure(PeopleFailure.invalid("user_id",
                        "the user is not in organisation " + team.orgId() + ": set their org_id first"));
            }
            return deadlines.transaction(orgs.pool(), tx -> users.addToTeam(tx, team.id(), userId, team.orgId()),
                    (added, left) -> !added ? Uni.createFrom().voidItem() : UserService.audited(audit.append(
                            AuditEvent.of("team.member_added", by.actor(), clientIp, "team", team.id(), "add_member",
                                    new MemberAudit(team.id(), team.orgId(), userId, user.username())), left)));
        }).onFailure().transform(e -> UserService.refused(e, "conflict"))
                .call(() -> people.forgetLocally(userId))
                .chain(() -> users.findById(userId)).map(Optional::orElseThrow);
    }

    /** @return whether the user was in the team */
    public Uni<Boolean> removeMember(TeamRecord team, String userId, Identity by, String clientIp) {
        return deadlines.transaction(orgs.pool(), tx -> users.removeFromTeam(tx, team.id(), userId),
                        (removed, left) -> !removed ? Uni.createFrom().voidItem() : UserService.audited(audit.append(
                                AuditEvent.of("team.member_removed", by.actor(), clientIp, "team", team.id(), "remove_member",
                                        new MemberAudit(team.id(), team.orgId(), userId, null)), left)))
                .onFailure().transform(e -> UserService.refused(e, "conflict"))
                .call(() -> people.forgetLocally(userId));
    }
}
