package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.repository.JobRepository;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a job will cost before any money is spent: the provider's price for its hardware
 * ({@code hardware_prices}, US dollars per second) times the run time expected, which is the
 * submit's {@code max_run_seconds}, else the average of the hardware's latest completed jobs.
 */
@ApplicationScoped
public class CostEstimates {

    /** The original's default, offered first when the provider prices it. */
    static final String PREFERRED_DEFAULT = "gpu-l40s";

    /**
     * @param runSeconds the run time the estimate assumes, null without an estimate
     * @param pricePerHour the hardware's price, null when the provider has none for it
     */
    public record Estimate(boolean hasEstimate, BigDecimal costUsd, Double runSeconds, Double pricePerHour, String message) {

        static Estimate none(Double pricePerHour, String message) {
            return new Estimate(false, null, null, pricePerHour, message);
        }
    }

    public record Hardware(String id, String name, double pricePerSecond, double pricePerHour, boolean available) {
    }

    public record HardwareOptions(List<Hardware> hardware, String defaultHardware, String message) {
    }

    private final ProviderConfigService providers;
    private final JobRepository jobs;

    public CostEstimates(ProviderConfigService providers, JobRepository jobs) {
        this.providers = providers;
        this.jobs = jobs;
    }

    public Uni<Estimate> estimate(Provider provider, String hardware, Integer maxRunSeconds) {
        return providers.settings(provider).chain(settings -> estimate(settings, hardware, maxRunSeconds));
    }

    public Uni<Estimate> estimate(ProviderSettings settings, String hardware, Integer maxRunSeconds) {
        String provider = settings.provider().wire();
        if (hardware == null) {
            return Uni.createFrom().item(Estimate.none(null, "No hardware named: nothing to price"));
        }
        Optional<Double> price = settings.pricePerSecond(hardware);
        if (price.isEmpty()) {
            return Uni.createFrom().item(Estimate.none(null, "The " + provider + " provider has no price for '" + hardware
                    + "' (its hardware_prices)"));
        }
        double perSecond = price.get();
        if (maxRunSeconds != null) {
            return Uni.createFrom().item(priced(perSecond, maxRunSeconds, String.format(Locale.ROOT,
                    "%s at $%.2f an hour for at most %d s (max_run_seconds)", hardware, perSecond * 3600, maxRunSeconds)));
        }
        return jobs.averageRunSeconds(settings.provider(), hardware).map(average -> average
                .map(seconds -> priced(perSecond, seconds, String.format(Locale.ROOT,
                        "%s at $%.2f an hour for %.0f s, the average of its latest completed jobs", hardware,
                        perSecond * 3600, seconds)))
                .orElseGet(() -> Estimate.none(perSecond * 3600, "No completed job on " + hardware
                        + " yet to take a run time from; name max_run_seconds for an estimate")));
    }

    private static Estimate priced(double perSecond, double seconds, String message) {
        BigDecimal cost = BigDecimal.valueOf(perSecond).multiply(BigDecimal.valueOf(seconds)).setScale(6, RoundingMode.HALF_UP)
                .min(JobTransitions.MAX_COST_USD);
        return new Estimate(true, cost, seconds, perSecond * 3600, message);
    }

    /** The provider's priced hardware, cheapest first. */
    public Uni<HardwareOptions> hardware(Provider provider) {
        return providers.settings(provider).map(settings -> {
            JsonObject prices = settings.config().getJsonObject("hardware_prices", new JsonObject());
            List<Hardware> options = new ArrayList<>();
            for (String id : prices.fieldNames()) {
                double perSecond = prices.getDouble(id);
                options.add(new Hardware(id, id.replace('-', ' ').toUpperCase(Locale.ROOT), perSecond, perSecond * 3600, true));
            }
            options.sort(Comparator.comparingDouble(Hardware::pricePerSecond).thenComparing(Hardware::id));
            if (options.isEmpty()) {
                return new HardwareOptions(options, null, "The " + provider.wire() + " provider prices no hardware: set "
                        + "hardware_prices with PUT /api/cloud/providers/" + provider.wire());
            }
            String preferred = prices.containsKey(PREFERRED_DEFAULT) ? PREFERRED_DEFAULT : options.get(0).id();
            return new HardwareOptions(options, preferred, "Prices from the " + provider.wire()
                    + " provider's hardware_prices, in US dollars");
        });
    }
}
