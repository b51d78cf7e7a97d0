package io.tuneops.gateway.metrics;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.tuneops.support.SharedNames;
import io.tuneops.support.http.RequestStage;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ObjLongConsumer;

/**
 * Cluster-wide traffic figures for the metrics export, kept in Redis so that every replica adds to
 * the same counters and a restart loses nothing: requests, errors and latency per endpoint
 * template, rate-limit violations and the clients being tracked. Each replica sums in memory and
 * flushes once a second in one pipelined batch, so the request path never waits on Redis for them.
 */
@ApplicationScoped
public class TrafficCounters {

    /** Where Quarkus Micrometer's HTTP server meters look for a request's route template. */
    static final String MICROMETER_URI_TEMPLATE = "UrlPathTemplate";
    private static final Logger LOG = Logger.getLogger(TrafficCounters.class);

    private final Redis redis;
    private final Vertx vertx;
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> latencyMicros = new ConcurrentHashMap<>();
    private final AtomicLong violations = new AtomicLong();
    private volatile Set<String> clients = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public TrafficCounters(Redis redis, Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.route().order(RequestStage.TRAFFIC_COUNTERS.order()).handler(rc -> {
            long start = System.nanoTime();
            String template = EndpointTemplates.template(rc.request().method().name(), rc.normalizedPath());
            if (template != null) {
                // the per-pod HTTP meters (Quarkus Micrometer) read the route template from here (as
                // Quarkus REST leaves it), so one matching per request names both
                ((HttpServerRequestInternal) rc.request()).context().putLocal(MICROMETER_URI_TEMPLATE, template);
            }
            rc.addEndHandler(done -> record(rc, start, template));
            rc.next();
        });
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(1000, id -> flush());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        flush();
    }

    private void record(RoutingContext rc, long startNanos, String template) {
        if (rc.normalizedPath().startsWith("/q/")) {
            return;
        }
        String endpoint = EndpointTemplates.name(rc.request().method().name(), template);
        int status = rc.response().getStatusCode();
        requests.computeIfAbsent(endpoint, k -> new LongAdder()).increment();
        latencyMicros.computeIfAbsent(endpoint, k -> new LongAdder()).add((System.nanoTime() - startNanos) / 1000);
        if (status >= 400) {
            errors.computeIfAbsent(endpoint + "_" + status, k -> new LongAdder()).increment();
        }
    }

    public void violation() {
        violations.incrementAndGet();
    }

    public void trackClient(String subject) {
        clients.add(subject);
    }

    void flush() {
        List<Request> batch = new ArrayList<>();
        drain(requests, (k, v) -> batch.add(Request.cmd(Command.HINCRBY).arg(SharedNames.HTTP_REQUESTS).arg(k).arg(v)));
        drain(errors, (k, v) -> batch.add(Request.cmd(Command.HINCRBY).arg(SharedNames.HTTP_ERRORS).arg(k).arg(v)));
        drain(latencyMicros, (k, v) -> batch.add(Request.cmd(Command.HINCRBYFLOAT).arg(SharedNames.HTTP_LATENCY_SUM_MS).arg(k)
                .arg(Double.toString(v / 1000.0))));
        long v = violations.getAndSet(0);
        if (v > 0) {
            batch.add(Request.cmd(Command.INCRBY).arg(SharedNames.RATE_LIMIT_VIOLATIONS).arg(v));
        }
        Set<String> seen = clients;
        clients = ConcurrentHashMap.newKeySet();
        if (!seen.isEmpty()) {
            String key = SharedNames.RATE_LIMIT_CLIENTS_PREFIX + (Instant.now().getEpochSecond() / 60);
            Request pfadd = Request.cmd(Command.PFADD).arg(key);
            seen.forEach(pfadd::arg);
            batch.add(pfadd);
            batch.add(Request.cmd(Command.EXPIRE).arg(key).arg(600));
        }
        if (batch.isEmpty()) {
            return;
        }
        redis.batch(batch).subscribe().with(r -> { }, e -> LOG.warnf("traffic counters not flushed (%d commands lost): %s",
                batch.size(), e.toString()));
    }

    private static void drain(Map<String, LongAdder> counters, ObjLongConsumer<String> sink) {
        for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
            long value = e.getValue().sumThenReset();
            if (value > 0) {
                sink.accept(e.getKey(), value);
            }
        }
    }
}
