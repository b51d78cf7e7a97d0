package io.tuneops.webhook.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Webhook deliveries this replica answered, by provider and outcome, for the webhooks dashboard
 * and the rejection alert. Every known provider/outcome pair is registered at start, so a rate()
 * has a zero to start from and the series exist before the first delivery; a path naming no known
 * provider is counted under {@code unknown} so that strangers cannot create series.
 */
@Startup // registered at start, not on first use, so every series is exported from the first scrape
@ApplicationScoped
public class WebhookMeters {

    public static final String DELIVERIES = "tuneops_webhook_deliveries_total";
    private static final String UNKNOWN = "unknown";

    private final Map<String, Counter> counters = new HashMap<>();

    public WebhookMeters(MeterRegistry registry) {
        for (String provider : providers()) {
            for (DeliveryOutcome outcome : DeliveryOutcome.values()) {
                counters.put(key(provider, outcome), Counter.builder(DELIVERIES)
                        .description("Webhook deliveries answered, by provider and outcome")
                        .tag("provider", provider).tag("outcome", outcome.label()).register(registry));
            }
        }
    }

    private static List<String> providers() {
        List<String> all = new ArrayList<>(Provider.wireNames());
        all.add(UNKNOWN);
        return all;
    }

    private static String key(String provider, DeliveryOutcome outcome) {
        return provider + "/" + outcome.label();
    }

    /** {@code provider} as the path named it: a name that is no provider's counts as unknown. */
    public void delivered(String provider, DeliveryOutcome outcome) {
        counters.get(key(Provider.fromWire(provider).map(Provider::wire).orElse(UNKNOWN), outcome)).increment();
    }
}
