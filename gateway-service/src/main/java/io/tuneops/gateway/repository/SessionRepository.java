package io.tuneops.gateway.repository;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.ratelimit.LuaScript;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Console sessions in Redis: one hash per session, which expires when the session has been idle
 * for the idle timeout (each use pushes that back, never past the session's lifetime), and per API
 * key the set of its sessions' ids, so that revoking the key ends them all at once. Each change is
 * one script, so a session and its key's set never disagree.
 */
@ApplicationScoped
public class SessionRepository {

    // Written and read by the gateway alone, so these names stay here and not in SharedNames.
    /** Prefix of a session's hash; the rest is the session's id. */
    static final String SESSION_PREFIX = "tuneops:gateway:session:";
    /** Prefix of the set of a key's session ids; the rest is the key's id. */
    static final String KEY_SESSIONS_PREFIX = "tuneops:gateway:key-sessions:";

    private static final String KEY_ID = "key_id";
    private static final String KEY_PREFIX = "key_prefix";
    private static final String KEY_CHECK = "key_check";
    private static final String CSRF = "csrf";
    private static final String EXPIRES_AT = "expires_at";
    private static final String USER_ID = "user_id";

    // The key's set lives as long as its longest session could.
    private static final String CREATE = """
            redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[3])
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
              redis.call('PEXPIRE', KEYS[2], ARGV[2])
            end
            return 1
            """;

    // The session's fields, its idle expiry pushed back (never past its lifetime) unless the idle
    // time given is 0; {} when it has ended.
    private static final String TOUCH = """
            local s = redis.call('HMGET', KEYS[1], 'key_id', 'key_prefix', 'key_check', 'csrf', 'expires_at', 'user_id')
            if not s[1] or not s[5] then
              return {}
            end
            local left = tonumber(s[5]) - tonumber(ARGV[2])
            if left <= 0 then
              redis.call('DEL', KEYS[1])
              return {}
            end
            if tonumber(ARGV[1]) > 0 then
              redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[1]), left))
            end
            return s
            """;

    private static final String END = """
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[1])
            return 1
            """;

    // Builds the sessions' key names itself: the gateway's Redis is one server (as for the rate
    // limiter's and the audit trail's scripts), so a script may touch keys it was not given.
    private static final String END_ALL = """
            local ids = redis.call('SMEMBERS', KEYS[1])
            for _, id in ipairs(ids) do
              redis.call('DEL', ARGV[1] .. id)
            end
            redis.call('DEL', KEYS[1])
            return #ids
            """;

    private final LuaScript create;
    private final LuaScript touch;
    private final LuaScript end;
    private final LuaScript endAll;
    private final StoreDeadlines deadlines;

    public SessionRepository(ReactiveRedisDataSource redis, StoreDeadlines deadlines) {
        this.deadlines = deadlines;
        this.create = new LuaScript(redis, CREATE);
        this.touch = new LuaScript(redis, TOUCH);
        this.end = new LuaScript(redis, END);
        this.endAll = new LuaScript(redis, END_ALL);
    }

    public Uni<Void> create(SessionRecord session, Duration idleTimeout, Duration lifetime) {
        return deadlines.redis(create.eval(List.of(SESSION_PREFIX + session.id(), KEY_SESSIONS_PREFIX + session.keyId()),
                        List.of(Long.toString(Math.min(idleTimeout.toMillis(), lifetime.toMillis())),
                                Long.toString(lifetime.toMillis()), session.id(),
                                KEY_ID, session.keyId(), KEY_PREFIX, session.keyPrefix(), KEY_CHECK, session.keyCheck(),
                                CSRF, session.csrfToken(), EXPIRES_AT, Long.toString(session.expiresAt().toEpochMilli()),
                                USER_ID, session.userId() == null ? "" : session.userId())))
                .replaceWithVoid();
    }

    /**
     * The session with this id, its idle timeout started again (left running when {@code idleTimeout}
     * is zero); empty when it has ended.
     */
    public Uni<Optional<SessionRecord>> touch(String id, Duration idleTimeout, Instant now) {
        return deadlines.redis(touch.eval(List.of(SESSION_PREFIX + id), List.of(Long.toString(idleTimeout.toMillis()),
                        Long.toString(now.toEpochMilli()))))
                .map(fields -> fields.size() < 5 ? Optional.<SessionRecord>empty() : Optional.of(new SessionRecord(id,
                        text(fields, 0), text(fields, 1), text(fields, 2), text(fields, 3),
                        Instant.ofEpochMilli(Long.parseLong(text(fields, 4))), fields.size() > 5 ? text(fields, 5) : "")));
    }

    public Uni<Void> end(String id, String keyId) {
        return deadlines.redis(end.eval(List.of(SESSION_PREFIX + id, KEY_SESSIONS_PREFIX + keyId), List.of(id))).replaceWithVoid();
    }

    /** Ends every session opened with the key {@code keyId}; answers how many there were. */
    public Uni<Integer> endAllOf(String keyId) {
        return deadlines.redis(endAll.eval(List.of(KEY_SESSIONS_PREFIX + keyId), List.of(SESSION_PREFIX))).map(Response::toInteger);
    }

    private static String text(Response fields, int index) {
        Response field = fields.get(index);
        return field == null ? "" : field.toString();
    }
}
