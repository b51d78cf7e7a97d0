package io.tuneops.webhook.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

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
    /** applied / stale / duplicate / ignored: accepted (2xx); the rest refused. */
    public static final List<String> OUTCOMES = List.of("applied", "stale", "duplicate", "ignored", "rejected_signature",
            "invalid", "unknown_provider", "error");

    private final Map<String, Counter> counters = new HashMap<>();

    public WebhookMeters(MeterRegistry registry) {
        for (String provider : providers()) {
            for (String outcome : OUTCOMES) {
                counters.put(provider + "/" + outcome, Counter.builder(DELIVERIES)
                        .description("Webhook deliveries answered, by provider and outcome")
                        .tag("provider", provider).tag("outcome", outcome).register(registry));
            }
        }
    }

    private static List<String> providers() {
        List<String> all = new java.util.ArrayList<>(ProviderConfigService.PROVIDERS);
        all.add("unknown");
        return all;
    }

    public void delivered(String provider, String outcome) {
        Counter counter = counters.get((ProviderConfigService.PROVIDERS.contains(provider) ? provider : "unknown") + "/" + outcome);
        if (counter != null) {
            counter.increment();
        }
    }
}
