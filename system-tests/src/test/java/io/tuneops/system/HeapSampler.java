package io.tuneops.system;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a service's heap use from its own Prometheus metrics (jvm_memory_used_bytes, area heap)
 * every few hundred milliseconds while a transfer runs, keeping the peak.
 */
final class HeapSampler implements AutoCloseable {

    private final String metricsUrl;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    HeapSampler(String metricsUrl) {
        this.metricsUrl = metricsUrl;
        this.thread = new Thread(this::run, "heap-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            long used = heapUsed(Http.get(metricsUrl, "Accept", "text/plain; version=0.0.4").body());
            peak.accumulateAndGet(used, Math::max);
            samples.incrementAndGet();
            ServiceProcess.pause(Duration.ofMillis(200));
        }
    }

    static long heapUsed(String metrics) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }

    long peakBytes() {
        return peak.get();
    }

    long samples() {
        return samples.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
