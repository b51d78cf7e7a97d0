package io.tuneops.gateway.ratelimit;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import io.tuneops.support.redis.EventLoopRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the access key a storage request is signed with is an upload credential tuneops issued
 * (its entry in Redis, where webhook-service publishes it and storage-service reads it). Only those
 * get the per-credential budget: a request signed with a made-up key id counts against the
 * anonymous per-address one, or any client could pass the storage limit by inventing key ids.
 * Answers are kept a while (a known key for a minute, an unknown one for five seconds), so a busy
 * upload costs no extra round trip; when Redis does not answer in time the key gets the benefit of
 * the doubt, as the decision itself then falls back to its rule's failure mode.
 */
@ApplicationScoped
public class KnownCredentials {

    private static final long KNOWN_MILLIS = 60_000;
    private static final long UNKNOWN_MILLIS = 5_000;
    /** Beyond this many remembered keys the memory is dropped and rebuilt: a bound, not an eviction policy. */
    private static final int MAX_REMEMBERED = 10_000;

    private record Remembered(boolean known, long until) {
    }

    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    private final EventLoopRedis redis;
    private final RateLimitRedisGuard guard;

    public KnownCredentials(EventLoopRedis redis, RateLimitRedisGuard guard) {
        this.redis = redis;
        this.guard = guard;
    }

    /** What is remembered of the key and still fresh, else null (ask {@link #known}). */
    public Boolean remembered(String accessKeyId) {
        Remembered r = remembered.get(accessKeyId);
        return r != null && r.until() > System.currentTimeMillis() ? r.known() : null;
    }

    public Uni<Boolean> known(String accessKeyId) {
        long now = System.currentTimeMillis();
        Boolean fresh = remembered(accessKeyId);
        if (fresh != null) {
            return Uni.createFrom().item(fresh);
        }
        return guard.roundTrip(() -> Uni.createFrom().completionStage(() -> redis.batch(List.of(
                                Request.cmd(Command.EXISTS).arg(SharedNames.UPLOAD_CREDENTIALS_PREFIX + accessKeyId)))
                        .toCompletionStage()))
                .map(answers -> answers.get(0).toInteger() > 0)
                .invoke(known -> remember(accessKeyId, known, now))
                .onFailure().recoverWithItem(true);
    }

    private void remember(String accessKeyId, boolean known, long now) {
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(accessKeyId, new Remembered(known, now + (known ? KNOWN_MILLIS : UNKNOWN_MILLIS)));
    }
}
