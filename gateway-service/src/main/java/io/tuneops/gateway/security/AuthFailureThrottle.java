package io.tuneops.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.AuthConfig;
import io.tuneops.gateway.ratelimit.LuaScript;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts failed API-key authentications per client address, in Redis so that every replica counts
 * the same ones, over a sliding window (TUNEOPS_AUTH_FAILURE_LIMIT failures per
 * TUNEOPS_AUTH_FAILURE_PERIOD). Past the limit, a failed attempt is answered 429 instead of 401
 * until the oldest failure leaves the window; refused attempts are not counted, so a client that
 * keeps guessing gets the limit's worth of answers per period.
 * <p>
 * Only failures are counted and only failures are judged: a request with a valid key is never
 * refused here and never waits on this (its path has no Redis round trip added), so the clients
 * behind the same address (a NAT, an office) keep working while one of them guesses. Once Redis
 * has said an address is over its limit, this replica answers that address's further failures
 * from memory until the window frees a place. Should Redis not answer, failures get their 401.
 */
@ApplicationScoped
public class AuthFailureThrottle {

    /** Prefix of the per-address windows. Writer and reader: gateway-service. */
    static final String KEY_PREFIX = "tuneops:gateway:auth-failures:";
    private static final Logger LOG = Logger.getLogger(AuthFailureThrottle.class);

    // KEYS[1] the address's window (a sorted set of failure times); ARGV: limit, window ms, member
    // returns {counted (1) or refused (0), ms until a place frees when refused}
    private static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            if redis.call('ZCARD', KEYS[1]) < limit then
              redis.call('ZADD', KEYS[1], now, ARGV[3])
              redis.call('PEXPIRE', KEYS[1], window)
              return {1, 0}
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {0, math.max(1, tonumber(oldest[2]) + window - now)}
            """;

    /** What to answer a failed attempt: 401, or 429 with Retry-After. */
    public record Verdict(boolean throttled, long retryAfterSeconds) {
        static final Verdict COUNTED = new Verdict(false, 0);
    }

    private final LuaScript script;
    private final StoreDeadlines deadlines;
    private final int limit;
    private final Duration period;
    private final String replica = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();
    /** Address to the time (ms) until which Redis said it is over its limit. */
    private final Cache<String, Long> throttledUntil;

    public AuthFailureThrottle(ReactiveRedisDataSource redis, StoreDeadlines deadlines, AuthConfig config) {
        this.script = new LuaScript(redis, SCRIPT);
        this.deadlines = deadlines;
        this.limit = config.failureLimit();
        this.period = config.failurePeriod();
        this.throttledUntil = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(period).build();
    }

    public int limit() {
        return limit;
    }

    public Duration period() {
        return period;
    }

    /** Counts one failed attempt from {@code clientIp}; never fails. */
    public Uni<Verdict> failed(String clientIp) {
        if (limit == 0) {
            return Uni.createFrom().item(Verdict.COUNTED);
        }
        Long until = throttledUntil.getIfPresent(clientIp);
        long now = System.currentTimeMillis();
        if (until != null && until > now) {
            return Uni.createFrom().item(new Verdict(true, seconds(until - now)));
        }
        return deadlines.redis(script.eval(List.of(KEY_PREFIX + clientIp),
                        List.of(Integer.toString(limit), Long.toString(period.toMillis()),
                                replica + ":" + sequence.incrementAndGet())))
                .map(answer -> {
                    if (answer.get(0).toInteger() == 1) {
                        return Verdict.COUNTED;
                    }
                    long waitMillis = answer.get(1).toLong();
                    throttledUntil.put(clientIp, System.currentTimeMillis() + waitMillis);
                    return new Verdict(true, seconds(waitMillis));
                })
                .onFailure().invoke(e -> LOG.debugf("failed authentication not counted: %s", e.toString()))
                .onFailure().recoverWithItem(Verdict.COUNTED);
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
