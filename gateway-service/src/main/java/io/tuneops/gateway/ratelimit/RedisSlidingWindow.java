package io.tuneops.gateway.ratelimit;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.tuneops.support.redis.EventLoopRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The shared sliding window, kept by Redis for every replica: per rule and client a list of the
 * script runs that admitted requests, oldest first, each entry "{ms} {admitted so far}" (Redis's
 * own clock, TIME, so every replica counts the same requests against the same time). The first
 * entry is the newest run already out of the window (or "0 0" for a new window), so the count in
 * the window is the last entry's total minus the first's. Each decision is answered in one round
 * trip by a script run that drops the runs that left the window, counts, and admits or not. The runs
 * of one event-loop turn travel to Redis together, and the decisions of that turn for the same
 * client and rule share one run, which admits them in order while there is room (see ScriptBatcher).
 * Never more than the limit in any trailing window, including across a window boundary (where a
 * fixed-window counter admits twice the limit).
 * <p>
 * The window is a list of runs: a run is a push and its expiry a pop, each O(1), and a busy
 * client's window holds one entry per run, not one per request. If Redis's clock steps back, a
 * newer entry can sit before an older one; it is dropped later, so the count is then too high,
 * never too low.
 */
@ApplicationScoped
public class RedisSlidingWindow {

    /**
     * Prefix of the windows' keys. It names the layout: a version with another layout uses another
     * prefix, so that replicas of both, during a rolling update, never read each other's keys.
     */
    public static final String KEY_PREFIX = "tuneops:ratelimit:";

    // KEYS[1] window; ARGV: limit, window ms, decisions asked for (n)
    // returns {admitted (the first that many of the n), count before them, oldest time in window (ms), now (ms)}
    private static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local limit = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local function at(entry) return tonumber(string.match(entry, '^%d+')) end
            local function total(entry) return tonumber(string.match(entry, '%d+$')) end
            local second = redis.call('LINDEX', KEYS[1], 1)
            while second and at(second) <= now - window do
              redis.call('LPOP', KEYS[1])
              second = redis.call('LINDEX', KEYS[1], 1)
            end
            local first = redis.call('LINDEX', KEYS[1], 0)
            local base, last = 0, 0
            if first then
              base = total(first)
              last = total(redis.call('LINDEX', KEYS[1], -1))
            end
            local count = last - base
            local admitted = math.max(0, math.min(tonumber(ARGV[3]), limit - count))
            if admitted > 0 then
              local entry = string.format('%d %d', now, last + admitted)
              if first then
                redis.call('RPUSH', KEYS[1], entry)
              else
                redis.call('RPUSH', KEYS[1], '0 0', entry)
              end
              redis.call('PEXPIRE', KEYS[1], window)
            end
            local oldest = now
            if second then oldest = at(second) end
            return {admitted, count, oldest, now}
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
