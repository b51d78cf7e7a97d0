package io.tuneops.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Organisations and their teams (gateway.organisations, gateway.teams). */
@ApplicationScoped
public class OrgRepository {

    private static final String ORG = "SELECT id, name, slug, created_at FROM gateway.organisations";
    private static final String TEAM = "SELECT id, org_id, name, slug, created_at FROM gateway.teams";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public OrgRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<List<OrgRecord>> list() {
        return deadlines.database(pool.query(ORG + " ORDER BY name, id").execute()).map(rows -> {
            List<OrgRecord> orgs = new ArrayList<>();
            rows.forEach(r -> orgs.add(org(r)));
            return orgs;
        });
    }

    /** The organisation with this id or slug. */
    public Uni<Optional<OrgRecord>> find(String idOrSlug) {
        return deadlines.database(pool.preparedQuery(ORG + " WHERE id = $1 OR slug = $1").execute(Tuple.of(idOrSlug)))
                .map(rows -> rows.size() == 0 ? Optional.<OrgRecord>empty() : Optional.of(org(rows.iterator().next())));
    }

    public Uni<Void> insert(SqlClient client, OrgRecord org) {
        return client.preparedQuery("INSERT INTO gateway.organisations (id, name, slug, created_at) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(org.id(), org.name(), org.slug(), org.createdAt())).replaceWithVoid();
    }

    public Uni<Optional<OrgRecord>> update(SqlClient client, String id, String name, String slug) {
        return client.preparedQuery("UPDATE gateway.organisations SET name = $2, slug = $3 WHERE id = $1"
                        + " RETURNING id, name, slug, created_at")
                .execute(Tuple.of(id, name, slug))
                .map(rows -> rows.size() == 0 ? Optional.<OrgRecord>empty() : Optional.of(org(rows.iterator().next())));
    }

    /** Deletes the organisation and its teams; fails (foreign key) while users belong to it. */
    public Uni<Boolean> delete(SqlClient client, String id) {
        return client.preparedQuery("DELETE FROM gateway.organisations WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<List<TeamRecord>> teams(String orgId) {
        return deadlines.database(pool.preparedQuery(TEAM + " WHERE org_id = $1 ORDER BY name, id").execute(Tuple.of(orgId)))
                .map(OrgRepository::teams);
    }

    /** The teams of the organisation among {@code ids}. */
    public Uni<List<TeamRecord>> teams(SqlClient client, String orgId, List<String> ids) {
        return client.preparedQuery(TEAM + " WHERE org_id = $1 AND id = ANY($2::text[])")
                .execute(Tuple.of(orgId, ids.toArray(new String[0]))).map(OrgRepository::teams);
    }

    /** The organisation's team with this id or slug. */
    public Uni<Optional<TeamRecord>> team(String orgId, String idOrSlug) {
        return deadlines.database(pool.preparedQuery(TEAM + " WHERE org_id = $1 AND (id = $2 OR slug = $2)")
                        .execute(Tuple.of(orgId, idOrSlug)))
                .map(rows -> rows.size() == 0 ? Optional.<TeamRecord>empty() : Optional.of(team(rows.iterator().next())));
    }

    public Uni<Void> insertTeam(SqlClient client, TeamRecord team) {
        return client.preparedQuery("INSERT INTO gateway.teams (id, org_id, name, slug, created_at) VALUES ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(team.id(), team.orgId(), team.name(), team.slug(), team.createdAt())).replaceWithVoid();
    }

    public Uni<Optional<TeamRecord>> updateTeam(SqlClient client, String id, String name, String slug) {
        return client.preparedQuery("UPDATE gateway.teams SET name = $2, slug = $3 WHERE id = $1"
                        + " RETURNING id, org_id, name, slug, created_at")
                .execute(Tuple.of(id, name, slug))
                .map(rows -> rows.size() == 0 ? Optional.<TeamRecord>empty() : Optional.of(team(rows.iterator().next())));
    }

    /** Deletes the team and its memberships. */
    public Uni<Boolean> deleteTeam(SqlClient client, String id) {
        return client.preparedQuery("DELETE FROM gateway.teams WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
    }

    /** The ids of the users in the team (memberships change their identity). */
    public Uni<List<String>> memberIds(SqlClient client, String teamId) {
        return client.preparedQuery("SELECT user_id FROM gateway.team_members WHERE team_id = $1").execute(Tuple.of(teamId))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString("user_id")));
                    return ids;
                });
    }

    private static List<TeamRecord> teams(RowSet<Row> rows) {
        List<TeamRecord> teams = new ArrayList<>();
        rows.forEach(r -> teams.add(team(r)));
        return teams;
    }

    private static OrgRecord org(Row row) {
        return new OrgRecord(row.getString("id"), row.getString("name"), row.getString("slug"), row.getOffsetDateTime("created_at"));
    }

    private static TeamRecord team(Row row) {
        return new TeamRecord(row.getString("id"), row.getString("org_id"), row.getString("name"), row.getString("slug"),
                row.getOffsetDateTime("created_at"));
    }
}
