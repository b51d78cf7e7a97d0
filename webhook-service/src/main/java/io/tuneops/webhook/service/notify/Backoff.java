package io.tuneops.webhook.service.notify;

import io.tuneops.webhook.config.NotificationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The wait before the next attempt: the initial wait doubled per failed attempt, capped, times a
 * random factor from 0.5 to 1 so that deliveries failing together (a receiver down) do not all
 * come back at the same moment.
 */
@ApplicationScoped
public class Backoff {

    private final Duration initial;
    private final Duration max;

    @Inject
    public Backoff(NotificationConfig config) {
        this(config.backoffInitial(), config.backoffMax());
    }

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** After {@code attempts} failed attempts (1 after the first). */
    public Duration after(int attempts) {
        return after(attempts, ThreadLocalRandom.current().nextDouble(0.5, 1.0));
    }

    Duration after(int attempts, double jitter) {
        long initialMs = Math.max(1, initial.toMillis());
        int doublings = Math.min(Math.max(attempts - 1, 0), 40);
        long capped = initialMs > max.toMillis() >> doublings ? max.toMillis() : Math.min(max.toMillis(), initialMs << doublings);
        return Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
    }
}
