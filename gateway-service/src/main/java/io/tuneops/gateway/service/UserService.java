package io.tuneops.gateway.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.audit.GatewayAuditTrail;
import io.tuneops.gateway.repository.ApiKeyRecord;
import io.tuneops.gateway.repository.ApiKeyRepository;
import io.tuneops.gateway.repository.OrgRepository;
import io.tuneops.gateway.repository.SessionRepository;
import io.tuneops.gateway.repository.UserRecord;
import io.tuneops.gateway.repository.UserRepository;
import io.tuneops.gateway.security.ApiKeyAuthenticator;
import io.tuneops.gateway.security.Identity;
import io.tuneops.gateway.security.PasswordHasher;
import io.tuneops.gateway.security.PersonCache;
import io.tuneops.gateway.security.Scope;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.security.SecureRandom;

/**
 * Users: creating, changing and deactivating them, and what a sign-in needs of them. Each change
 * and its audit event stand or fall together, as API keys' do (see {@link ApiKeyService}); no
 * event carries a password or its hash. A change to who a user is (role, active, organisation,
 * teams) is forgotten at once by this replica's caches and reaches the others within the key
 * cache time; a deactivation also ends the user's sessions at once.
 */
@ApplicationScoped
public class UserService {

    /** The user the migration made owner of the keys that existed before users did. */
    public static final String BOOTSTRAP_USER = "usr_bootstrap";
    private static final Logger LOG = Logger.getLogger(UserService.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserRepository users;
    private final OrgRepository orgs;
    private final ApiKeyRepository keys;
    private final SessionRepository sessions;
    private final ApiKeyAuthenticator authenticator;
    private final PersonCache people;
    private final PasswordHasher passwords;
    private final GatewayAuditTrail audit;
    private final StoreDeadlines deadlines;

    public UserService(UserRepository users, OrgRepository orgs, ApiKeyRepository keys, SessionRepository sessions,
                       ApiKeyAuthenticator authenticator, PersonCache people, PasswordHasher passwords,
                       GatewayAuditTrail audit, StoreDeadlines deadlines) {
        this.users = users;
        this.orgs = orgs;
        this.keys = keys;
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.people = people;
        this.passwords = passwords;
        this.audit = audit;
        this.deadlines = deadlines;
    }

    /** What a new user is made of; the password, when given, is hashed here and never kept. */
    public record NewUser(String username, String displayName, String email, Scope role, String password, String orgId,
                          List<String> teamIds) {
    }

    /** A change to a user: null leaves a field as it is; an empty org id or email removes it. */
    public record UserChange(String displayName, String email, Scope role, String password, String orgId,
                             List<String> teamIds, Boolean active) {
    }

    /** The details of a user's audit events: what changed, never a password. */
    record UserAudit(String username, String role, Boolean is_active, String org_id, List<String> team_ids,
                     List<String> changed, boolean password_set) implements AuditDetails {
    }

    public static String newId(String kind) {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return kind + "_" + HexFormat.of().formatHex(bytes);
    }

    public Uni<List<UserRecord>> list() {
        return users.list();
    }

    public Uni<Optional<UserRecord>> find(String id) {
        return users.findById(id);
    }

    /**
     * The active user with this e-mail address, for a sign-in that proves an address (single
     * sign-on); empty when there is none or more than one.
     */
    public Uni<Optional<UserRecord>> findActiveByEmail(String email) {
        return users.findActiveByEmail(email).map(found -> found.size() == 1 ? Optional.of(found.get(0)) : Optional.<UserRecord>empty());
    }

    public Uni<Optional<UserRecord>> findByUsername(String username) {
        return users.findByUsername(username);
    }

    public Uni<UserRecord> create(NewUser user, Identity by, String clientIp) {
        Uni<String> hash = user.password() == null ? Uni.createFrom().nullItem() : passwords.hashOffLoop(user.password());
        return hash.chain(passwordHash -> {
            UserRecord record = new UserRecord(newId("usr"), user.username(), user.displayName(), user.email(), user.role(),
                    true, passwordHash, user.orgId(), sorted(user.teamIds()), OffsetDateTime.now(ZoneOffset.UTC), null);
            AuditEvent event = AuditEvent.of("user.created", by.actor(), clientIp, "user", record.id(), "create",
                    new UserAudit(record.username(), record.role().id(), true, record.orgId(), record.teamIds(), null,
                            passwordHash != null));
            return deadlines.transaction(users.pool(), tx -> checkTeams(tx, record.orgId(), record.teamIds())
                                    .chain(() -> users.insert(tx, record))
                                    .chain(() -> users.replaceTeams(tx, record.id(), record.orgId(), record.teamIds())),
                            (done, left) -> audited(audit.append(event, left)))
                    .onFailure().transform(e -> refused(e, "A user named " + user.username() + " exists already"))
                    .chain(() -> users.findById(record.id()))
                    .map(Optional::orElseThrow);
        });
    }

    /**
     * Changes the user. {@code currentPassword} is checked when a user changes their own password
     * and has one. Answers the user as changed.
     */
    public Uni<UserRecord> update(String id, UserChange change, String currentPassword, Identity by, String clientIp) {
        boolean own = by.is(id);
        Uni<Void> proven = own && change.password() != null ? users.findById(id).chain(found -> {
            String existing = found.map(UserRecord::passwordHash).orElse(null);
            if (existing == null) {
                // a first password signs in with the user's whole role: a key of less scope may not set it
                Scope role = found.map(UserRecord::role).orElse(Scope.ADMIN);
                return by.has(role) ? Uni.createFrom().voidItem() : Uni.createFrom().failure(PeopleFailure.forbidden(
                        "Setting a first password needs the user's whole role ('" + role.id() + "'), or an administrator"));
            }
            return passwords.verifyOffLoop(currentPassword == null ? "" : currentPassword, existing).chain(right -> right
                    ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(PeopleFailure.invalid("current_password", "is not your current password")));
        }) : Uni.createFrom().voidItem();
        Uni<String> hash = change.password() == null ? Uni.createFrom().nullItem() : passwords.hashOffLoop(change.password());
        return proven.chain(() -> hash).chain(passwordHash -> {
            List<ApiKeyRecord> ownKeys = new ArrayList<>();
            UserRecord[] before = new UserRecord[1];
            return deadlines.transaction(users.pool(), tx -> users.lock(tx, id).chain(found -> {
                                if (found.isEmpty()) {
                                    return Uni.createFrom().failure(PeopleFailure.notFound("No user " + id));
                                }
                                before[0] = found.get();
                                UserRecord after = apply(found.get(), change, passwordHash);
                                if (own && !after.active()) {
                                    return Uni.createFrom().failure(PeopleFailure.conflict("You cannot deactivate yourself"));
                                }
                                boolean teamsChanged = !after.teamIds().equals(found.get().teamIds());
                                return checkTeams(tx, after.orgId(), after.teamIds())
                                        .chain(() -> teamsChanged ? users.replaceTeams(tx, id, null, List.of()) : Uni.createFrom().voidItem())
                                        .chain(() -> users.update(tx, after))
                                        .chain(() -> teamsChanged ? users.replaceTeams(tx, id, after.orgId(), after.teamIds())
                                                : Uni.createFrom().voidItem())
                                        .chain(() -> liveKeys(tx, id, ownKeys))
                                        .replaceWith(after);
                            }),
                            (after, left) -> audited(audit.append(AuditEvent.of(eventType(before[0], after), by.actor(),
                                    clientIp, "user", id, "update", new UserAudit(after.username(), after.role().id(),
                                            after.active(), after.orgId(), after.teamIds(), changed(before[0], after),
                                            passwordHash != null)), left)))
                    .onFailure().transform(e -> refused(e, "This change clashes with another user"))
                    .call(after -> forget(after, ownKeys, !after.active() && before[0].active() || passwordHash != null))
                    .chain(() -> users.findById(id)).map(Optional::orElseThrow);
        });
    }

    /** Deactivates the user: their keys and sessions stop at once. Answers the user as it stands. */
    public Uni<UserRecord> deactivate(String id, Identity by, String clientIp) {
        return update(id, new UserChange(null, null, null, null, null, null, false), null, by, clientIp);
    }

    /**
     * Forgets the user and their keys in this replica's caches; ends their sessions when they were
     * deactivated or their password changed (a session taken with the old one, or stolen, ends).
     */
    private Uni<Void> forget(UserRecord user, List<ApiKeyRecord> ownKeys, boolean endSessions) {
        people.forget(user.id());
        authenticator.forget(ownKeys.stream().map(ApiKeyRecord::prefix).toList());
        if (!endSessions) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Integer>> ended = new ArrayList<>();
        ended.add(sessions.endAllOf(user.id()));
        ownKeys.forEach(k -> ended.add(sessions.endAllOf(k.id())));
        // should Redis fail here, a deactivated user's sessions still end at their next request (the user is
        // found inactive); after a password change they last until they idle out
        return Uni.join().all(ended).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("sessions of user %s not ended in Redis: %s", user.id(), e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Forgets, in this replica's caches, the user and their keys (after a change to their teams). */
    public Uni<Void> forgetLocally(String userId) {
        people.forget(userId);
        return keys.listOf(userId).invoke(own -> authenticator.forget(own.stream().map(ApiKeyRecord::prefix).toList()))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<Void> liveKeys(SqlClient tx, String userId, List<ApiKeyRecord> into) {
        return tx.preparedQuery("SELECT id, prefix FROM gateway.api_keys WHERE user_id = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(userId))
                .invoke(rows -> rows.forEach(r -> into.add(new ApiKeyRecord(r.getString("id"), null, r.getString("prefix"),
                        null, List.of(), null, null, null, null, userId))))
                .replaceWithVoid();
    }

    /** Records a successful sign-in's time; best effort. */
    public Uni<Void> recordSignIn(String id) {
        return users.recordSignIn(id, OffsetDateTime.now(ZoneOffset.UTC))
                .onFailure().invoke(e -> LOG.warnf("last sign-in of %s not recorded: %s", id, e.toString()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> checkTeams(SqlClient tx, String orgId, List<String> teamIds) {
        if (teamIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        if (orgId == null) {
            return Uni.createFrom().failure(PeopleFailure.invalid("team_ids", "a user without an organisation is in no team"));
        }
        return orgs.teams(tx, orgId, teamIds).chain(found -> {
            if (found.size() == teamIds.size()) {
                return Uni.createFrom().voidItem();
            }
            List<String> missing = new ArrayList<>(teamIds);
            found.forEach(t -> missing.remove(t.id()));
            return Uni.createFrom().failure(PeopleFailure.invalid("team_ids",
                    "not teams of organisation " + orgId + ": " + String.join(", ", missing)));
        });
    }

    private static UserRecord apply(UserRecord user, UserChange change, String passwordHash) {
        String orgId = change.orgId() == null ? user.orgId() : (change.orgId().isEmpty() ? null : change.orgId());
        List<String> teams = change.teamIds() != null ? sorted(change.teamIds())
                : (Objects.equals(orgId, user.orgId()) ? user.teamIds() : List.of());
        return new UserRecord(user.id(), user.username(),
                change.displayName() == null ? user.displayName() : change.displayName(),
                change.email() == null ? user.email() : (change.email().isEmpty() ? null : change.email()),
                change.role() == null ? user.role() : change.role(),
                change.active() == null ? user.active() : change.active(),
                passwordHash == null ? user.passwordHash() : passwordHash,
                orgId, teams, user.createdAt(), user.lastLoginAt());
    }

    private static String eventType(UserRecord before, UserRecord after) {
        if (before.active() != after.active()) {
            return after.active() ? "user.reactivated" : "user.deactivated";
        }
        return "user.updated";
    }

    private static List<String> changed(UserRecord before, UserRecord after) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(before.displayName(), after.displayName())) {
            changed.add("display_name");
        }
        if (!Objects.equals(before.email(), after.email())) {
            changed.add("email");
        }
        if (before.role() != after.role()) {
            changed.add("role");
        }
        if (before.active() != after.active()) {
            changed.add("is_active");
        }
        if (!Objects.equals(before.passwordHash(), after.passwordHash())) {
            changed.add("password");
        }
        if (!Objects.equals(before.orgId(), after.orgId())) {
            changed.add("org_id");
        }
        if (!before.teamIds().equals(after.teamIds())) {
            changed.add("team_ids");
        }
        return changed;
    }

    static List<String> sorted(List<String> ids) {
        return ids == null ? List.of() : ids.stream().distinct().sorted().toList();
    }

    /** The audit step of a change: its failure is the audit trail's, whatever store it came from. */
    static Uni<Void> audited(Uni<Void> append) {
        return append.onFailure().transform(e -> new KeyChangeFailure(KeyChangeFailure.Step.AUDIT_TRAIL, e));
    }

    /** A failure as the caller should hear it: a refusal of what was asked, or a failed step. */
    static RuntimeException refused(Throwable failure, String duplicate) {
        if (failure instanceof PeopleFailure known) {
            return known;
        }
        if (PeopleFailure.duplicate(failure)) {
            return PeopleFailure.conflict(duplicate);
        }
        if (PeopleFailure.reference(failure)) {
            return PeopleFailure.invalid("org_id", "no such organisation");
        }
        return KeyChangeFailure.of(failure);
    }
}
