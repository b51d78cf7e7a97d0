package io.tuneops.gateway.config;

import io.smallrye.config.common.MapBackedConfigSource;

import java.util.Map;

/**
 * One Vert.x event loop per CPU the gateway is given (the JVM counts a container's CPU limit), as
 * nginx's {@code worker_processes auto}. Quarkus's own default is never fewer than two, which suits
 * services that may block a loop; the gateway never does, and with the chart's one-CPU limit a
 * second loop only splits its traffic: each loop's turns hold fewer requests to share a Redis
 * script run, and each loop needs its own wake-ups (docs/performance.md has the measurements). In
 * a pod, a second thread on a one-CPU quota can also run ahead of the quota and then be throttled
 * for the rest of the period. The trade-off: where the gateway shares CPUs with other busy
 * processes, one thread gets one thread's share of them, so its peak throughput under full load
 * is lower.
 *
 * <p>Like Quarkus's default, at most one loop per 10 MB of heap (each loop keeps its own
 * connections and buffers), which only a small heap on a many-CPU machine without a limit reaches.
 *
 * <p>A plain configuration source rather than a value in application.properties, because the
 * value depends on the machine; its ordinal sits below application.properties, the environment
 * ({@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE}) and system properties, which all override it.
 */
public final class EventLoopsPerCpu extends MapBackedConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";
    /** Below application.properties (250), the environment (300) and system properties (400). */
    static final int ORDINAL = 200;
    private static final long HEAP_PER_LOOP = 10L * 1024 * 1024;

    public EventLoopsPerCpu() {
        this(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
    }

    EventLoopsPerCpu(int cpus, long maxHeap) {
        super("tuneops-event-loops-per-cpu", Map.of(PROPERTY, Long.toString(loops(cpus, maxHeap))), ORDINAL);
    }

    private static long loops(int cpus, long maxHeap) {
        return Math.max(1, Math.min(cpus, maxHeap / HEAP_PER_LOOP));
    }
}
