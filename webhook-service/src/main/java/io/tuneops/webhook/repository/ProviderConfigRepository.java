package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

@ApplicationScoped
public class ProviderConfigRepository {

    private final Pool pool;

    public ProviderConfigRepository(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    public Uni<Optional<JsonObject>> find(String provider) {
        return pool.preparedQuery("SELECT config FROM webhook.provider_config WHERE provider = $1")
                .execute(Tuple.of(provider))
                .map(rows -> rows.size() == 0 ? Optional.<JsonObject>empty()
                        : Optional.of(rows.iterator().next().getJsonObject("config")));
    }

    public Uni<Map<String, JsonObject>> all() {
        return pool.query("SELECT provider, config FROM webhook.provider_config").execute().map(rows -> {
            Map<String, JsonObject> all = new HashMap<>();
            rows.forEach(r -> all.put(r.getString("provider"), r.getJsonObject("config")));
            return all;
        });
    }

    /**
     * Merges {@code changes} into the stored document under a row lock and returns the result. A
     * field set to null is removed, so it falls back to its default (the environment's, for example).
     */
    public Uni<JsonObject> merge(SqlClient tx, String provider, JsonObject changes, String by) {
        return tx.preparedQuery("""
                        INSERT INTO webhook.provider_config (provider, config, updated_at, updated_by)
                        VALUES ($1, jsonb_strip_nulls($2), now(), $3)
                        ON CONFLICT (provider) DO UPDATE
                          SET config = jsonb_strip_nulls(webhook.provider_config.config || $2::jsonb),
                              updated_at = now(), updated_by = EXCLUDED.updated_by
                        RETURNING config""")
                .execute(Tuple.of(provider, changes, by))
                .map(rows -> rows.iterator().next().getJsonObject("config"));
    }

    /** Names of the write-only secrets set for a provider (values stay encrypted in the table). */
    public Uni<Map<String, java.util.Set<String>>> secretNames() {
        return pool.query("SELECT provider, name FROM webhook.provider_secret").execute().map(rows -> {
            Map<String, java.util.Set<String>> names = new HashMap<>();
            rows.forEach(r -> names.computeIfAbsent(r.getString("provider"), p -> new java.util.TreeSet<>()).add(r.getString("name")));
            return names;
        });
    }

    public Uni<Map<String, byte[]>> secrets(String provider) {
        return pool.preparedQuery("SELECT name, ciphertext FROM webhook.provider_secret WHERE provider = $1")
                .execute(Tuple.of(provider)).map(rows -> {
                    Map<String, byte[]> secrets = new HashMap<>();
                    rows.forEach(r -> secrets.put(r.getString("name"), r.getBuffer("ciphertext").getBytes()));
                    return secrets;
                });
    }

    /** Sets ({@code ciphertext} non-null) or removes a provider secret. */
    public Uni<Void> putSecret(SqlClient tx, String provider, String name, byte[] ciphertext) {
        if (ciphertext == null) {
            return tx.preparedQuery("DELETE FROM webhook.provider_secret WHERE provider = $1 AND name = $2")
                    .execute(Tuple.of(provider, name)).replaceWithVoid();
        }
        return tx.preparedQuery("""
                        INSERT INTO webhook.provider_secret (provider, name, ciphertext) VALUES ($1, $2, $3)
                        ON CONFLICT (provider, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = now()""")
                .execute(Tuple.of(provider, name, io.vertx.core.buffer.Buffer.buffer(ciphertext))).replaceWithVoid();
    }
}
