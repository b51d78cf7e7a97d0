package io.tuneops.local;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} real PostgreSQL and Redis servers. Started once per test JVM;
 * with TUNEOPS_DB_URL and TUNEOPS_REDIS_URL set, the tests use those external servers instead.
 */
public class EmbeddedServersTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        if (System.getenv("TUNEOPS_DB_URL") != null && System.getenv("TUNEOPS_REDIS_URL") != null) {
            return Map.of();
        }
        LocalServers servers = SharedServers.get();
        return config(servers, servers.databaseUrl());
    }

    /**
     * The settings that point a service at these servers, its reactive PostgreSQL connections at
     * {@code reactiveUrl} (the server itself, or something in front of it that a test controls).
     */
    public static Map<String, String> config(LocalServers servers, String reactiveUrl) {
        return Map.of(
                "quarkus.datasource.reactive.url", reactiveUrl,
                "quarkus.datasource.jdbc.url", servers.jdbcUrl(),
                "quarkus.datasource.username", LocalServers.USER,
                "quarkus.datasource.password", "",
                "quarkus.redis.hosts", servers.redisUrl());
    }

    @Override
    public void stop() {
        // the servers outlive one Quarkus application: SharedServers stops them when the JVM exits
    }
}
