package io.tuneops.webhook.service;

import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * A provider's effective settings: its stored configuration over the environment defaults, with
 * its secrets decrypted. Lives only in memory; never serialised into a response or a log line.
 */
public record ProviderSettings(Provider provider, JsonObject config, Optional<String> webhookSecret,
                               Optional<String> apiToken, String apiBaseUrl, Optional<String> proxyUrl,
                               Optional<String> caBundle, boolean sslVerify, double httpTimeoutSeconds) {

    public boolean requireSignature() {
        return config.getBoolean("webhook_require_signature", true);
    }

    /** US dollars per second on {@code hardware}, when the configuration has a price for it. */
    public Optional<Double> pricePerSecond(String hardware) {
        JsonObject prices = config.getJsonObject("hardware_prices", new JsonObject());
        return hardware == null || !prices.containsKey(hardware) ? Optional.empty()
                : Optional.of(prices.getDouble(hardware));
    }

    public Optional<JsonObject> costLimit() {
        return Optional.ofNullable(config.getJsonObject("cost_limit"));
    }

    /** Where this provider's jobs upload: s3_public_url when set, else the public URL. */
    public String storageEndpoint(String publicUrl) {
        String base = config.getString("s3_public_url", publicUrl);
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/cloud/storage";
    }

    @Override
    public String toString() {
        return "ProviderSettings[" + provider.wire() + "]";
    }
}
