package io.tuneops.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
            "id, name, prefix, secret_hash, scopes, created_at, created_by, expires_at, revoked_at";

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ApiKeyRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<Optional<ApiKeyRecord>> findByPrefix(String prefix) {
        return deadlines.database(pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway.api_keys WHERE prefix = $1")
                .execute(Tuple.of(prefix)))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKeyRecord>empty() : Optional.of(map(rows.iterator().next())));
    }

    public Uni<List<ApiKeyRecord>> list() {
        return deadlines.database(pool.query("SELECT " + COLUMNS + " FROM gateway.api_keys ORDER BY created_at DESC, id").execute())
                .map(rows -> {
                    List<ApiKeyRecord> keys = new ArrayList<>();
                    rows.forEach(r -> keys.add(map(r)));
                    return keys;
                });
    }

    public Uni<Void> insert(SqlClient client, ApiKeyRecord key) {
        return client.preparedQuery("INSERT INTO gateway.api_keys (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .execute(Tuple.tuple(Arrays.asList(key.id(), key.name(), key.prefix(),
                        Buffer.buffer(key.secretHash()),
                        key.scopes().toArray(new String[0]), key.createdAt(), key.createdBy(), key.expiresAt(),
                        key.revokedAt())))
                .replaceWithVoid();
    }

    /** @return the revoked key, or empty when there is no such key or it was already revoked */
    public Uni<Optional<ApiKeyRecord>> revoke(SqlClient client, String id, OffsetDateTime at) {
        return client.preparedQuery("UPDATE gateway.api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING "
                        + COLUMNS)
                .execute(Tuple.of(id, at))
                .map(rows -> rows.size() == 0 ? Optional.<ApiKeyRecord>empty() : Optional.of(map(rows.iterator().next())));
    }

    private static ApiKeyRecord map(Row row) {
        return new ApiKeyRecord(row.getString("id"), row.getString("name"), row.getString("prefix"),
                row.getBuffer("secret_hash").getBytes(), Arrays.asList(row.getArrayOfStrings("scopes")),
                row.getOffsetDateTime("created_at"), row.getString("created_by"),
                row.getOffsetDateTime("expires_at"), row.getOffsetDateTime("revoked_at"));
    }
}
