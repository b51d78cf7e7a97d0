package io.tuneops.gateway.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.tuneops.gateway.audit.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The shared sliding window: one sorted set per rule and client, holding a member per admitted
 * request scored by Redis's own clock (TIME), so every replica counts the same requests against
 * the same time. Each decision is answered in one round trip by a script run that prunes what left
 * the window, counts, and admits or not. The runs of one event-loop turn travel to Redis together,
 * and the decisions of that turn for the same client and rule share one run, which admits them in
 * order while there is room (see ScriptBatcher).
 * Never more than the limit in any trailing window, including across a window boundary (where a
 * fixed-window counter admits twice the limit).
 */
@ApplicationScoped
public class RedisSlidingWindow {

    // KEYS[1] window; ARGV: limit, window ms, decisions asked for (n), a token unique to this run
    // returns {admitted (the first that many of the n), count before them, oldest score in window (ms), now (ms)}
    private static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            local count = redis.call('ZCARD', KEYS[1])
            local admitted = math.max(0, math.min(tonumber(ARGV[3]), limit - count))
            if admitted > 0 then
              local members = {}
              for i = 1, admitted do
                members[2 * i - 1] = now
                members[2 * i] = now .. '-' .. ARGV[4] .. '-' .. i
              end
              redis.call('ZADD', KEYS[1], unpack(members))
              redis.call('PEXPIRE', KEYS[1], window)
            end
            local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            local first = now
            if oldest[2] then first = tonumber(oldest[2]) end
            return {admitted, count, first, now}
            """;

    private final ScriptBatcher script;

    public RedisSlidingWindow(ReactiveRedisDataSource redis, EventLoopRedis loopRedis, RateLimitRedisGuard guard) {
        this.script = new ScriptBatcher(loopRedis, new LuaScript(redis, SCRIPT), guard);
    }

    /**
     * The decision for one request, completed on the caller's context; failed when Redis did not
     * answer within the time limit, failed, or the breaker is open (see RateLimitRedisGuard).
     */
    public Future<Decision> decide(String key, int limit, Duration period) {
        return script.eval(List.of(key), List.of(Integer.toString(limit), Long.toString(period.toMillis())))
                .map(share -> decision(share, limit, period));
    }

    private static Decision decision(ScriptBatcher.Share share, int limit, Duration period) {
        Response r = share.answer();
        int admitted = r.get(0).toInteger();
        int before = r.get(1).toInteger();
        long oldest = r.get(2).toLong();
        long now = r.get(3).toLong();
        boolean allowed = share.position() < admitted;
        int count = before + Math.min(share.position() + 1, admitted);
        return new Decision(allowed, limit, Math.max(0, limit - count), oldest + period.toMillis(), now, true);
    }
}
