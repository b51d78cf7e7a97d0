package io.tuneops.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.core.buffer.Buffer;
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

@ApplicationScoped
public class ApiKeyRepository {

    private static final String COLUMNS =
            "id, name, prefix, secret_hash, scopes, created_at, created_by, expires_at, revoked_at, user_id";
    /** A key with its owner's role, state, organisation and teams: a key check is one query. */
    private static final String OWNED = "SELECT k.id, k.name, k.prefix, k.secret_hash, k.scopes, k.created_at, k.created_by,"
            + " k.expires_at, k.revoked_at, k.user_id, u.username, u.role, u.is_active, u.org_id, "
            + UserRepository.TEAM_IDS + " FROM gateway.api_keys k JOIN gateway.users u ON u.id = k.user_id";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ApiKeyRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<Optional<OwnedKey>> findByPrefix(String prefix) {
        return deadlines.database(pool.preparedQuery(OWNED + " WHERE k.prefix = $1").execute(Tuple.of(prefix)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.<OwnedKey>empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new OwnedKey(map(row), UserRepository.person(row, "user_id")));
                });
    }

    /** A user's keys, newest first. */
    public Uni<List<ApiKeyRecord>> listOf(String userId) {
        return deadlines.database(pool.preparedQuery("SELECT " + COLUMNS
                        + " FROM gateway.api_keys WHERE user_id = $1 ORDER BY created_at DESC, id").execute(Tuple.of(userId)))
                .map(ApiKeyRepository::all);
    }


    public Uni<List<ApiKeyRecord>> list() {
        return deadlines.database(pool.query("SELECT " + COLUMNS + " FROM gateway.api_keys ORDER BY created_at DESC, id").execute())
                .map(ApiKeyRepository::all);
    }

    private static List<ApiKeyRecord> all(RowSet<Row> rows) {
        List<ApiKeyRecord> keys = new ArrayList<>();
        rows.forEach(r -> keys.add(map(r)));
        return keys;
    }

    public Uni<Void> insert(SqlClient client, ApiKeyRecord key) {
        return client.preparedQuery("INSERT INTO gateway.api_keys (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .execute(Tuple.tuple(Arrays.asList(key.id(), key.name(), key.prefix(),
                        Buffer.buffer(key.secretHash()),
                        key.scopes().toArray(new String[0]), key.createdAt(), key.createdBy(), key.expiresAt(),
                        key.revokedAt(), key.userId())))
                .replaceWithVoid();
    }

    /**
     * @param userId the key's owner, or null for any owner
     * @return the revoked key, or empty when there is no such key (of that owner) or it was already revoked
     */
    public Uni<Optional<ApiKeyRecord>> revoke(SqlClient client, String id, String userId, OffsetDateTime at) {
        return client.preparedQuery("UPDATE gateway.api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
                        + " AND ($3::text IS NULL OR user_id = $3) RETURNING " + COLUMNS)
                .execute(Tuple.of(id, at, userId))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKeyRecord>empty() : Optional.of(map(rows.iterator().next())));
    }

    private static ApiKeyRecord map(Row row) {
        return new ApiKeyRecord(row.getString("id"), row.getString("name"), row.getString("prefix"),
                row.getBuffer("secret_hash").getBytes(), Arrays.asList(row.getArrayOfStrings("scopes")),
                row.getOffsetDateTime("created_at"), row.getString("created_by"),
                row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("revoked_at"), row.getString("user_id"));
    }
}
