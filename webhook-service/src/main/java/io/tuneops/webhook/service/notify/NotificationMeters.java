package io.tuneops.webhook.service.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery figures for the notifications dashboard and the failing-channel alert: attempts by
 * channel type and outcome, the lag from an event to its delivery, and the backlog (pending and
 * failed deliveries, as PostgreSQL last counted them; the same on every replica). Every series is
 * registered at start, so a rate() has a zero to start from.
 */
@Startup
@ApplicationScoped
public class NotificationMeters {

    public static final String DELIVERIES = "tuneops_notification_deliveries_total";
    public static final String LAG = "tuneops_notification_dispatch_lag";
    public static final String PENDING = "tuneops_notification_pending";
    public static final String FAILED = "tuneops_notification_failed";

    /** What became of an attempt: delivered, to be retried, or failed for good (out of attempts). */
    public enum Outcome {
        DELIVERED, RETRY, FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<ChannelType, Map<Outcome, Counter>> counters = new EnumMap<>(ChannelType.class);
    private final Timer lag;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public NotificationMeters(MeterRegistry registry) {
        for (ChannelType type : ChannelType.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, Counter.builder(DELIVERIES).description("Notification delivery attempts by channel type and outcome")
                        .tag("channel_type", type.wire()).tag("outcome", outcome.label()).register(registry));
            }
            counters.put(type, byOutcome);
        }
        lag = Timer.builder(LAG).description("From an event's occurrence to its delivery on a channel")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
        Gauge.builder(PENDING, pending, AtomicLong::get).description("Notification deliveries not yet done (pending or delivering)")
                .register(registry);
        Gauge.builder(FAILED, failed, AtomicLong::get).description("Notification deliveries that ran out of attempts and wait for a retry")
                .register(registry);
    }

    public void attempt(ChannelType type, Outcome outcome) {
        counters.get(type).get(outcome).increment();
    }

    public void delivered(Duration sinceEvent) {
        lag.record(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
    }

    public void backlog(long pendingNow, long failedNow) {
        pending.set(pendingNow);
        failed.set(failedNow);
    }
}
