package io.tuneops.local.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.LocalServers;
import io.tuneops.local.SharedServers;

import java.util.HashMap;
import java.util.Map;

/**
 * The suite's embedded PostgreSQL and Redis, reached through relays a test can freeze (the
 * connections stay open and nothing is answered), for the bounded waits of a service whose stores
 * stop answering. The resource's init args are further configuration, typically the deadlines
 * the test measures against, e.g. {@code @ResourceArg(name = "tuneops.database.timeout", value =
 * "500ms")}. Use it with {@code scope = TestResourceScope.RESTRICTED_TO_CLASS}: the relays then
 * belong to the one test class whose application is started with them.
 */
public class FreezableStores implements QuarkusTestResourceLifecycleManager {

    private static PausableRelay postgres;
    private static PausableRelay redis;
    private Map<String, String> settings = Map.of();

    /** The relay in front of PostgreSQL of the test class that is running. */
    public static PausableRelay postgres() {
        return postgres;
    }

    /** The relay in front of Redis of the test class that is running. */
    public static PausableRelay redis() {
        return redis;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        settings = Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        LocalServers servers = SharedServers.get();
        postgres = PausableRelay.to(servers.postgresPort());
        redis = PausableRelay.to(servers.redisPort());
        Map<String, String> config = new HashMap<>(EmbeddedServersTestResource.config(servers,
                "postgresql://127.0.0.1:" + postgres.port() + "/" + LocalServers.DATABASE));
        config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + redis.port());
        config.putAll(settings);
        return config;
    }

    @Override
    public void stop() {
        postgres.close();
        redis.close();
    }

    /** After the suite-wide EmbeddedServersTestResource, so that its URLs are the ones that count. */
    @Override
    public int order() {
        return 100;
    }
}
