package io.tuneops.webhook.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.tuneops.support.config.HttpBaseUrl;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/** Notifications: routing, delivery and its retries, the stall watchdog, history (TUNEOPS_NOTIFICATIONS_*). */
@ConfigMapping(prefix = "tuneops.notifications")
public interface NotificationConfig {

    /** Off: events are still written to the outbox, but this replica neither routes nor delivers them. */
    @WithDefault("true")
    boolean enabled();

    /** The console's address; a notification links to {public-url}/jobs/{job_id} or {public-url}/approvals. */
    @WithDefault("http://localhost:8080")
    @HttpBaseUrl
    String publicUrl();

    /** How often a dispatcher looks for due work besides being woken by LISTEN (a retry's next attempt, a missed wake-up). */
    @WithDefault("1S")
    Duration pollInterval();

    /** Events routed, or deliveries claimed, per statement. */
    @WithDefault("100")
    @Min(1)
    @Max(10000)
    int batchSize();

    /** Deliveries one replica has in flight at most. */
    @WithDefault("64")
    @Min(1)
    @Max(10000)
    int concurrency();

    /** One attempt's limit: connecting, sending and the far end's answer. */
    @WithDefault("10S")
    Duration deliveryTimeout();

    /** Attempts before a delivery is kept as failed (retryable from the history). */
    @WithDefault("10")
    @Min(1)
    int maxAttempts();

    /** Wait after the first failed attempt; doubled per attempt up to {@link #backoffMax()}, each times a random 0.5 to 1. */
    @WithDefault("5S")
    Duration backoffInitial();

    @WithDefault("15M")
    Duration backoffMax();

    /**
     * How long a claimed delivery belongs to its dispatcher: past it, another takes it over (the
     * first one died). Longer than {@link #deliveryTimeout()}, so a live attempt is never doubled.
     */
    @WithDefault("60S")
    Duration lease();

    /** A running job with neither a progress report nor an upload for this long is reported as stalled. */
    @WithDefault("30M")
    Duration stallAfter();

    @WithDefault("60S")
    Duration stallCheckInterval();

    /** Routed events older than this whose deliveries are all finished are deleted, with their deliveries. */
    @WithDefault("30D")
    Duration historyRetention();

    /**
     * Whether webhook and Slack URLs may point at loopback, private, link-local or otherwise
     * non-public addresses. Off by default, so that whoever may configure a channel cannot make
     * tuneops call into its own network.
     */
    @WithDefault("false")
    boolean allowPrivateTargets();
}
