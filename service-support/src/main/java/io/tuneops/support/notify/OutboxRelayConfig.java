package io.tuneops.support.notify;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/**
 * How a service's {@link OutboxRelay} forwards its notification outbox to webhook-service
 * (TUNEOPS_OUTBOX_RELAY_*). Its own root: webhook-service's {@code tuneops.notifications.*} is
 * another mapping, which would refuse these names as unknown.
 */
@ConfigMapping(prefix = "tuneops.outbox-relay")
public interface OutboxRelayConfig {

    /** Off: events stay in the outbox (nothing is lost) until a relay runs again. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often the outbox is read when nothing woke the relay: a write on this replica wakes it at
     * once, so this only bounds the delay of rows another replica left behind (it stopped first).
     */
    @WithDefault("5s")
    @DurationMin(millis = 10, message = "must be at least 10 ms")
    @DurationMax(seconds = 3600, message = "must be at most an hour")
    Duration pollInterval();

    /** Rows read (and locked) per pass. */
    @WithDefault("50")
    @Min(1)
    @Max(1000)
    int batchSize();

    /** One POST to webhook-service, connecting included. */
    @WithDefault("5s")
    @DurationMin(millis = 10, message = "must be at least 10 ms")
    @DurationMax(seconds = 300, message = "must be at most 300 seconds")
    Duration requestTimeout();

    /** The wait after a pass that webhook-service did not answer (5xx, 408, 429, no connection); doubled after each such pass. */
    @WithDefault("1s")
    @DurationMin(millis = 10, message = "must be at least 10 ms")
    Duration backoffInitial();

    /** The longest wait between passes that fail. */
    @WithDefault("60s")
    @DurationMin(millis = 10, message = "must be at least 10 ms")
    Duration backoffMax();

    /**
     * The wait before an event webhook-service refused (another 4xx) is offered again; doubled
     * after each refusal of it. Refused events wait alone: the relay goes on with the others.
     */
    @WithDefault("30s")
    @DurationMin(millis = 10, message = "must be at least 10 ms")
    Duration refusedRetryInitial();

    /** The longest wait between two offers of a refused event. */
    @WithDefault("1h")
    @DurationMin(millis = 10, message = "must be at least 10 ms")
    @DurationMax(days = 1, message = "must be at most a day")
    Duration refusedRetryMax();

    /**
     * Refusals after which an event is set aside (kept in the outbox with set_aside_at, logged as
     * an error, no longer offered). The defaults offer it for about three and a half hours, longer
     * than a rolling upgrade that brings a webhook-service which knows its type.
     */
    @WithDefault("10")
    @Min(1)
    @Max(100)
    int refusalsMax();
}
