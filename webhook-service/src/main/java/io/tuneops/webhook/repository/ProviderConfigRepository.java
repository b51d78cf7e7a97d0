package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.LastStep;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.webhook.service.Provider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** webhook.provider_config and webhook.provider_secret; rows of providers this build does not know are skipped. */
@ApplicationScoped
public class ProviderConfigRepository {

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public ProviderConfigRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Pool pool() {
        return pool;
    }

    /** One transaction, bounded by the database deadline and never committed after it (see StoreDeadlines). */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work) {
        return deadlines.transaction(pool, work);
    }

    /** {@link #transaction(Function)} whose last step before the COMMIT (an audit event) must succeed in the time left. */
    public <T> Uni<T> transaction(Function<SqlConnection, Uni<T>> work, LastStep<T> beforeCommit) {
        return deadlines.transaction(pool, work, beforeCommit);
    }

    public Uni<Optional<JsonObject>> find(Provider provider) {
        return deadlines.database(pool.preparedQuery("SELECT config FROM webhook.provider_config WHERE provider = $1")
                .execute(Tuple.of(provider.wire())))
                .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty()
                        : Optional.of(rows.iterator().next().getJsonObject("config")));
    }

    public Uni<Map<Provider, JsonObject>> all() {
        return deadlines.database(pool.query("SELECT provider, config FROM webhook.provider_config").execute()).map(rows -> {
            Map<Provider, JsonObject> all = new EnumMap<>(Provider.class);
            rows.forEach(r -> Provider.fromWire(r.getString("provider")).ifPresent(p -> all.put(p, r.getJsonObject("config"))));
            return all;
        });
    }

    /**
     * Merges {@code changes} into the stored document under a row lock and returns the result. A
     * field set to null is removed, so it falls back to its default (the environment's, for example).
     */
    public Uni<JsonObject> merge(SqlClient tx, Provider provider, JsonObject changes, String by) {
        return tx.preparedQuery("""
                        INSERT INTO webhook.provider_config (provider, config, updated_at, updated_by)
                        VALUES ($1, jsonb_strip_nulls($2), now(), $3)
                        ON CONFLICT (provider) DO UPDATE
                          SET config = jsonb_strip_nulls(webhook.provider_config.config || $2::jsonb),
                              updated_at = now(), updated_by = EXCLUDED.updated_by
                        RETURNING config""")
                .execute(Tuple.of(provider.wire(), changes, by))
                .map(rows -> rows.iterator().next().getJsonObject("config"));
    }

    /** Names of the write-only secrets set for a provider (values stay encrypted in the table). */
    public Uni<Map<Provider, Set<String>>> secretNames() {
        return deadlines.database(pool.query("SELECT provider, name FROM webhook.provider_secret").execute()).map(rows -> {
            Map<Provider, Set<String>> names = new EnumMap<>(Provider.class);
            rows.forEach(r -> Provider.fromWire(r.getString("provider"))
                    .ifPresent(p -> names.computeIfAbsent(p, k -> new TreeSet<>()).add(r.getString("name"))));
            return names;
        });
    }

    public Uni<Map<String, byte[]>> secrets(Provider provider) {
        return deadlines.database(pool.preparedQuery("SELECT name, ciphertext FROM webhook.provider_secret WHERE provider = $1")
                .execute(Tuple.of(provider.wire()))).map(rows -> {
                    Map<String, byte[]> secrets = new HashMap<>();
                    rows.forEach(r -> secrets.put(r.getString("name"), r.getBuffer("ciphertext").getBytes()));
                    return secrets;
                });
    }

    /** Sets ({@code ciphertext} non-null) or removes a provider secret. */
    public Uni<Void> putSecret(SqlClient tx, Provider provider, String name, byte[] ciphertext) {
        if (ciphertext == null) {
            return tx.preparedQuery("DELETE FROM webhook.provider_secret WHERE provider = $1 AND name = $2")
                    .execute(Tuple.of(provider.wire(), name)).replaceWithVoid();
        }
        return tx.preparedQuery("""
                        INSERT INTO webhook.provider_secret (provider, name, ciphertext) VALUES ($1, $2, $3)
                        ON CONFLICT (provider, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = now()""")
                .execute(Tuple.of(provider.wire(), name, Buffer.buffer(ciphertext))).replaceWithVoid();
    }
}
