package io.tuneops.webhook.rest;

import io.tuneops.webhook.config.JobsConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many job logs this replica is following for readers. Each open stream holds one of the
 * gateway's pooled connections to this service for as long as it runs, the same pool that carries
 * submits, cancels and the providers' webhook deliveries: past the cap a new stream is refused
 * (503, retry later) rather than let streams starve those.
 */
@ApplicationScoped
public class LogStreams {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public LogStreams(JobsConfig config) {
        this.max = config.maxLogStreams();
    }

    /** Whether another stream may start now. */
    boolean full() {
        return open.get() >= max;
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    int max() {
        return max;
    }
}
