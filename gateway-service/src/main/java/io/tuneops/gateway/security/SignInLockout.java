package io.tuneops.gateway.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.config.SignInConfig;
import io.tuneops.gateway.ratelimit.LuaScript;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Locks a username after repeated failed sign-ins (TUNEOPS_SIGN_IN_MAX_FAILURES within
 * TUNEOPS_SIGN_IN_FAILURE_WINDOW lock it for TUNEOPS_SIGN_IN_LOCK_DURATION), in Redis so that every
 * replica counts the same failures and honours the same lock. Usernames nobody has are counted and
 * locked alike, so the lock tells nothing about which usernames exist. The Redis names carry a
 * hash of the lower-cased username, never the name itself.
 */
@ApplicationScoped
public class SignInLockout {

    /** Prefixes of a username's failures (a sorted set of times) and of its lock. Writer and reader: gateway-service. */
    static final String FAILURES_PREFIX = "tuneops:gateway:sign-in-failures:";
    static final String LOCK_PREFIX = "tuneops:gateway:sign-in-lock:";

    // KEYS[1] failures, KEYS[2] lock; returns the lock's remaining ms, 0 when not locked
    private static final String CHECK = """
            local left = redis.call('PTTL', KEYS[2])
            if left > 0 then return left end
            return 0
            """;

    // KEYS[1] failures, KEYS[2] lock; ARGV: limit, window ms, lock ms, member.
    // Returns the lock's ms when this failure locked the username (or it was locked), else 0.
    private static final String FAILED = """
            local left = redis.call('PTTL', KEYS[2])
            if left > 0 then return left end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            redis.call('ZADD', KEYS[1], now, ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
              redis.call('DEL', KEYS[1])
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
              return tonumber(ARGV[3])
            end
            return 0
            """;

    // KEYS[1] failures, KEYS[2] lock (kept: a lock ends by itself)
    private static final String CLEAR = """
            redis.call('DEL', KEYS[1])
            return 1
            """;

    private final LuaScript check;
    private final LuaScript failed;
    private final LuaScript cleared;
    private final StoreDeadlines deadlines;
    private final SignInConfig config;

    public SignInLockout(ReactiveRedisDataSource redis, StoreDeadlines deadlines, SignInConfig config) {
        this.check = new LuaScript(redis, CHECK);
        this.failed = new LuaScript(redis, FAILED);
        this.cleared = new LuaScript(redis, CLEAR);
        this.deadlines = deadlines;
        this.config = config;
    }

    /** Seconds the username stays locked (rounded up); 0 when it is not locked. */
    public Uni<Long> lockedFor(String username) {
        return deadlines.redis(check.eval(keys(username), List.of())).map(r -> seconds(r.toLong()));
    }

    /** Counts a failed sign-in; answers the seconds of the lock it started (or that held), 0 when none. */
    public Uni<Long> failed(String username) {
        return deadlines.redis(failed.eval(keys(username), List.of(Integer.toString(config.maxFailures()),
                        Long.toString(config.failureWindow().toMillis()), Long.toString(config.lockDuration().toMillis()),
                        UUID.randomUUID().toString())))
                .map(r -> seconds(r.toLong()));
    }

    /** A successful sign-in forgets the username's earlier failures. */
    public Uni<Void> succeeded(String username) {
        return deadlines.redis(cleared.eval(keys(username), List.of())).replaceWithVoid();
    }

    private static long seconds(long millis) {
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }

    private static List<String> keys(String username) {
        String id = digest(username.toLowerCase(Locale.ROOT));
        return List.of(FAILURES_PREFIX + id, LOCK_PREFIX + id);
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
