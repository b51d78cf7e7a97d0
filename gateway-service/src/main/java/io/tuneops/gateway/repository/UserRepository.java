package io.tuneops.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.security.Scope;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Users and their team memberships (gateway.users, gateway.team_members). */
@ApplicationScoped
public class UserRepository {

    /** The ids of user {@code u}'s teams, sorted, as the column team_ids. */
    static final String TEAM_IDS =
            "ARRAY(SELECT m.team_id FROM gateway.team_members m WHERE m.user_id = u.id ORDER BY m.team_id) AS team_ids";
    private static final String SELECT = "SELECT u.id, u.username, u.display_name, u.email, u.role, u.is_active,"
            + " u.password_hash, u.org_id, u.created_at, u.last_login_at, " + TEAM_IDS + " FROM gateway.users u";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public UserRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<Optional<UserRecord>> findById(String id) {
        return deadlines.database(pool.preparedQuery(SELECT + " WHERE u.id = $1").execute(Tuple.of(id))).map(UserRepository::first);
    }

    /** The user of this name, whatever its case. */
    public Uni<Optional<UserRecord>> findByUsername(String username) {
        return deadlines.database(pool.preparedQuery(SELECT + " WHERE lower(u.username) = lower($1)").execute(Tuple.of(username)))
                .map(UserRepository::first);
    }

    /** The active users with this e-mail address, whatever its case (more than one when several share it). */
    public Uni<List<UserRecord>> findActiveByEmail(String email) {
        return deadlines.database(pool.preparedQuery(SELECT + " WHERE u.is_active AND lower(u.email) = lower($1) LIMIT 2")
                .execute(Tuple.of(email))).map(UserRepository::all);
    }

    /** The user, locked until the transaction ends, so that concurrent changes apply one after the other. */
    public Uni<Optional<UserRecord>> lock(SqlClient client, String id) {
        return client.preparedQuery(SELECT + " WHERE u.id = $1 FOR UPDATE OF u").execute(Tuple.of(id)).map(UserRepository::first);
    }

    public Uni<List<UserRecord>> list() {
        return deadlines.database(pool.query(SELECT + " ORDER BY lower(u.username)").execute()).map(UserRepository::all);
    }

    public Uni<List<UserRecord>> listOfOrg(String orgId) {
        return deadlines.database(pool.preparedQuery(SELECT + " WHERE u.org_id = $1 ORDER BY lower(u.username)")
                .execute(Tuple.of(orgId))).map(UserRepository::all);
    }

    public Uni<List<UserRecord>> listOfTeam(String teamId) {
        return deadlines.database(pool.preparedQuery(SELECT + " JOIN gateway.team_members t ON t.user_id = u.id"
                + " WHERE t.team_id = $1 ORDER BY lower(u.username)").execute(Tuple.of(teamId))).map(UserRepository::all);
    }

    public Uni<Void> insert(SqlClient client, UserRecord user) {
        return client.preparedQuery("INSERT INTO gateway.users (id, username, display_name, email, role, is_active,"
                        + " password_hash, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.tuple(Arrays.asList(user.id(), user.username(), user.displayName(), user.email(),
                        user.role().id(), user.active(), user.passwordHash(), user.orgId(), user.createdAt())))
                .replaceWithVoid();
    }

    /** Writes every field of the user but its id, creation and last sign-in time. */
    public Uni<Void> update(SqlClient client, UserRecord user) {
        return client.preparedQuery("UPDATE gateway.users SET username = $2, display_name = $3, email = $4, role = $5,"
                        + " is_active = $6, password_hash = $7, org_id = $8 WHERE id = $1")
                .execute(Tuple.tuple(Arrays.asList(user.id(), user.username(), user.displayName(), user.email(),
                        user.role().id(), user.active(), user.passwordHash(), user.orgId())))
                .replaceWithVoid();
    }

    /** Makes {@code teamIds} the user's teams (all of organisation {@code orgId}, which the schema checks). */
    public Uni<Void> replaceTeams(SqlClient client, String userId, String orgId, List<String> teamIds) {
        Uni<Void> removed = client.preparedQuery("DELETE FROM gateway.team_members WHERE user_id = $1")
                .execute(Tuple.of(userId)).replaceWithVoid();
        if (teamIds.isEmpty()) {
            return removed;
        }
        return removed.chain(() -> client.preparedQuery("INSERT INTO gateway.team_members (team_id, user_id, org_id)"
                        + " SELECT t, $2, $3 FROM unnest($1::text[]) AS t")
                .execute(Tuple.of(teamIds.toArray(new String[0]), userId, orgId)).replaceWithVoid());
    }

    /** @return whether the user was not in the team before */
    public Uni<Boolean> addToTeam(SqlClient client, String teamId, String userId, String orgId) {
        return client.preparedQuery("INSERT INTO gateway.team_members (team_id, user_id, org_id) VALUES ($1, $2, $3)"
                        + " ON CONFLICT DO NOTHING")
                .execute(Tuple.of(teamId, userId, orgId)).map(rows -> rows.rowCount() > 0);
    }

    /** @return whether the user was in the team */
    public Uni<Boolean> removeFromTeam(SqlClient client, String teamId, String userId) {
        return client.preparedQuery("DELETE FROM gateway.team_members WHERE team_id = $1 AND user_id = $2")
                .execute(Tuple.of(teamId, userId)).map(rows -> rows.rowCount() > 0);
    }

    public Uni<Void> recordSignIn(String id, OffsetDateTime at) {
        return deadlines.database(pool.preparedQuery("UPDATE gateway.users SET last_login_at = $2 WHERE id = $1")
                .execute(Tuple.of(id, at))).replaceWithVoid();
    }

    /** What a session of the user needs: role, state, organisation, teams. */
    public Uni<Optional<Person>> findPerson(String id) {
        return deadlines.database(pool.preparedQuery("SELECT u.id, u.username, u.role, u.is_active, u.org_id, " + TEAM_IDS
                        + " FROM gateway.users u WHERE u.id = $1").execute(Tuple.of(id)))
                .map(rows -> rows.size() == 0 ? Optional.<Person>empty() : Optional.of(person(rows.iterator().next(), "id")));
    }

    static Person person(Row row, String idColumn) {
        return new Person(row.getString(idColumn), row.getString("username"), role(row), row.getBoolean("is_active"),
                row.getString("org_id"), Arrays.asList(row.getArrayOfStrings("team_ids")));
    }

    private static Scope role(Row row) {
        return Scope.parse(row.getString("role")).orElseThrow(() -> new IllegalStateException("unknown role in gateway.users"));
    }

    private static Optional<UserRecord> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next()));
    }

    private static List<UserRecord> all(RowSet<Row> rows) {
        List<UserRecord> users = new ArrayList<>();
        rows.forEach(r -> users.add(map(r)));
        return users;
    }

    private static UserRecord map(Row row) {
        return new UserRecord(row.getString("id"), row.getString("username"), row.getString("display_name"),
                row.getString("email"), role(row), row.getBoolean("is_active"), row.getString("password_hash"),
                row.getString("org_id"), Arrays.asList(row.getArrayOfStrings("team_ids")),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("last_login_at"));
    }
}
