package io.tuneops.metrics.client;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.config.MetricsConfig;
import io.tuneops.support.SharedNames;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the cluster-wide traffic counters every gateway replica adds to in Redis (the gateway's
 * {@code TrafficCounters} writes them under the keys of {@link SharedNames}): HTTP requests,
 * errors and latency sums per endpoint template, rate-limit violations, and one HyperLogLog of the
 * clients the rate limiter saw per minute (each kept ten minutes).
 */
@ApplicationScoped
public class TrafficCountersClient {

    /** Minutes of client buckets counted as "tracked": the buckets the gateway is sure to still keep. */
    public static final int TRACKED_CLIENT_MINUTES = 10;

    /** Per endpoint ({@code METHOD_/template}) and per {@code endpoint_status}, sorted by name. */
    public record HttpFigures(Map<String, Long> requests, Map<String, Long> errors, Map<String, Double> latencyMsSum) {
    }

    public record RateLimitFigures(long violations, long trackedClients) {
    }

    private final ReactiveRedisDataSource redis;
    private final Duration timeout;

    public TrafficCountersClient(ReactiveRedisDataSource redis, MetricsConfig config) {
        this.redis = redis;
        this.timeout = config.fetchTimeout();
    }

    public Uni<HttpFigures> http() {
        var hash = redis.hash(String.class, String.class, String.class);
        return Uni.combine().all().unis(hash.hgetall(SharedNames.HTTP_REQUESTS), hash.hgetall(SharedNames.HTTP_ERRORS),
                        hash.hgetall(SharedNames.HTTP_LATENCY_SUM_MS))
                .with((requests, errors, latency) -> {
                    Map<String, Long> r = new TreeMap<>();
                    requests.forEach((k, v) -> r.put(k, Long.parseLong(v)));
                    Map<String, Long> e = new TreeMap<>();
                    errors.forEach((k, v) -> e.put(k, Long.parseLong(v)));
                    Map<String, Double> l = new TreeMap<>();
                    latency.forEach((k, v) -> l.put(k, Double.parseDouble(v)));
                    return new HttpFigures(r, e, l);
                })
                .ifNoItem().after(timeout).failWith(() -> new IllegalStateException(
                        "Redis did not answer within " + timeout.toMillis() + " ms"));
    }

    public Uni<RateLimitFigures> rateLimits() {
        long minute = Instant.now().getEpochSecond() / 60;
        String[] buckets = new String[TRACKED_CLIENT_MINUTES];
        for (int i = 0; i < TRACKED_CLIENT_MINUTES; i++) {
            buckets[i] = SharedNames.RATE_LIMIT_CLIENTS_PREFIX + (minute - i);
        }
        return Uni.combine().all().unis(redis.value(String.class, String.class).get(SharedNames.RATE_LIMIT_VIOLATIONS),
                        redis.hyperloglog(String.class, String.class).pfcount(buckets))
                .with((violations, clients) -> new RateLimitFigures(
                        violations == null ? 0 : Long.parseLong(violations), clients))
                .ifNoItem().after(timeout).failWith(() -> new IllegalStateException(
                        "Redis did not answer within " + timeout.toMillis() + " ms"));
    }
}
