package io.tuneops.gateway.security;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.repository.ApiKeyRecord;
import io.tuneops.gateway.repository.ApiKeyRepository;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lookup prefixes of the API keys that exist, in a Redis set every gateway replica shares, so
 * that a presented key whose prefix matches none (a guess) is refused without a database query.
 * <p>
 * A shared set rather than one in each replica's memory: a key is used at once after it is
 * created, often through another replica than the one that created it, and a replica must never
 * refuse a real key because a change message has not reached it yet. Here the prefix is added
 * inside the creating transaction, before the COMMIT, so by the time anyone holds the key every
 * replica finds its prefix (should Redis fail that write, it is retried until it lands). What the set may wrongly hold (a prefix whose creation was rolled back,
 * a revoked key's when its removal failed) only costs the database query the set saves; what it
 * must never lack, it cannot: the set counts as complete only while it holds the {@link #COMPLETE}
 * marker, added with the last prefixes of a rebuild from PostgreSQL (at start, and whenever a
 * lookup finds the marker gone, as after Redis lost its data). Without the marker, or when Redis
 * does not answer, every prefix is looked up in the database as before.
 */
@ApplicationScoped
public class LiveKeyPrefixes {

    /** The set. Writer and reader: gateway-service. */
    static final String KEY = "tuneops:gateway:api-key-prefixes";
    /** Never a prefix: prefixes are 8 base64url characters. */
    static final String COMPLETE = "*complete*";
    private static final int BATCH = 1000;
    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(LiveKeyPrefixes.class);

    private final ReactiveRedisDataSource redis;
    private final ApiKeyRepository repository;
    private final StoreDeadlines deadlines;
    private final AtomicBoolean rebuilding = new AtomicBoolean();

    public LiveKeyPrefixes(ReactiveRedisDataSource redis, ApiKeyRepository repository, StoreDeadlines deadlines) {
        this.redis = redis;
        this.repository = repository;
        this.deadlines = deadlines;
    }

    void start(@Observes StartupEvent event) {
        rebuild();
    }

    /**
     * False only when the set is complete and lacks the prefix: no key has it. True when a key may
     * have it, including whenever the set cannot tell (the database decides then).
     */
    public Uni<Boolean> mayExist(String prefix) {
        return deadlines.redis(redis.execute("SMISMEMBER", KEY, prefix, COMPLETE))
                .map(answer -> {
                    boolean listed = answer.get(0).toInteger() == 1;
                    boolean complete = answer.get(1).toInteger() == 1;
                    if (!complete) {
                        rebuild();
                    }
                    return listed || !complete;
                })
                .onFailure().recoverWithItem(true);
    }

    /**
     * Lists a new key's prefix, before its creation commits. A key is created while Redis is down
     * when the operator allows changes without their audit event (TUNEOPS_AUDIT_REQUIRE_APPEND), so
     * this never fails the creation: an unlisted prefix is retried until Redis takes it (meanwhile,
     * a replica that cannot reach Redis asks the database, so the key works).
     */
    public Uni<Void> add(String prefix) {
        // a quarter of the Redis deadline: it runs inside the key's transaction, which must still
        // commit in time when Redis is slow (the background retry lists it later)
        return deadlines.redis(redis.execute("SADD", KEY, prefix), deadlines.redisTimeout().dividedBy(4)).replaceWithVoid()
                .onFailure().invoke(e -> {
                    LOG.warnf("prefix of a new API key not listed in Redis yet, retrying: %s", e.toString());
                    retry(prefix);
                })
                .onFailure().recoverWithNull();
    }

    private void retry(String prefix) {
        deadlines.redis(redis.execute("SADD", KEY, prefix)).replaceWithVoid()
                .onFailure().retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely()
                .subscribe().with(v -> LOG.infof("prefix of a new API key listed in Redis"));
    }

    /** Best effort: a revoked key's prefix left behind only costs a database query. */
    public Uni<Void> remove(String prefix) {
        return deadlines.redis(redis.execute("SREM", KEY, prefix)).replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("prefix of a revoked key left in the set: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Adds every unrevoked key's prefix, then the marker; never removes (a removal could race a creation). */
    void rebuild() {
        if (!rebuilding.compareAndSet(false, true)) {
            return;
        }
        repository.list()
                .map(keys -> keys.stream().filter(k -> k.revokedAt() == null).map(ApiKeyRecord::prefix).toList())
                .chain(this::addAll)
                .eventually(() -> rebuilding.set(false))
                .subscribe().with(v -> LOG.debug("API key prefixes listed in Redis"),
                        e -> LOG.warnf("API key prefixes not listed in Redis, keys are looked up in the database: %s",
                                e.toString()));
    }

    private Uni<Void> addAll(List<String> prefixes) {
        Uni<Void> done = Uni.createFrom().voidItem();
        for (int from = 0; from < prefixes.size(); from += BATCH) {
            List<String> args = new ArrayList<>();
            args.add(KEY);
            args.addAll(prefixes.subList(from, Math.min(prefixes.size(), from + BATCH)));
            Uni<Response> batch = redis.execute("SADD", args.toArray(new String[0]));
            done = done.chain(() -> deadlines.redis(batch)).replaceWithVoid();
        }
        return done.chain(() -> deadlines.redis(redis.execute("SADD", KEY, COMPLETE))).replaceWithVoid();
    }
}
