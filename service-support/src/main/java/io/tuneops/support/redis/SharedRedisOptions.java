package io.tuneops.support.redis;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A copy of the options Quarkus built for the default Redis client (address, password, TLS, protocol,
 * all from {@code quarkus.redis.*}), so that {@link EventLoopRedis} opens its connections exactly
 * as the shared client does. Quarkus hands every client's options to its customizers before it
 * creates the client; this one changes nothing.
 */
@ApplicationScoped
public class SharedRedisOptions implements RedisOptionsCustomizer {

    private static final String DEFAULT_CLIENT = "<default>";

    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions options) {
        if (DEFAULT_CLIENT.equals(clientName)) {
            this.options = new RedisOptions(options);
        }
    }

    /** The default client's options (a fresh copy), or null before Quarkus created that client. */
    RedisOptions copy() {
        RedisOptions captured = options;
        return captured == null ? null : new RedisOptions(captured);
    }
}
