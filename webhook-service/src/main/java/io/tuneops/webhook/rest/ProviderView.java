package io.tuneops.webhook.rest;

import io.tuneops.webhook.service.Provider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A provider's configuration as readers see it: every stored field except the write-only secrets,
 * which show only whether they are set (and, for the signing secret, whether the API's or the
 * deployment's default applies). Every field is present, null when not set; the effective value
 * then comes from the environment.
 *
 * @param webhook_secret_source api, configuration (the deployment's default) or null when neither
 */
public record ProviderView(Provider provider, boolean configured, List<String> webhook_allowed_ips,
                           boolean webhook_require_signature, Boolean ssl_verify, String ssl_ca_bundle, String proxy_url,
                           Double http_timeout, String api_base_url, Boolean s3_endpoint_enabled, String s3_public_url,
                           String s3_output_path, boolean webhook_secret_configured, boolean api_token_configured,
                           CostLimit cost_limit, Map<String, Double> hardware_prices, String webhook_secret_source) {

    /** Spending per period (daily, weekly or monthly) at which submissions are warned or blocked (action warn or block). */
    public record CostLimit(Double amount, String period, String action) {
    }

    /**
     * @param config                  the stored configuration, null when none was ever stored
     * @param secretsSet              names of the secrets set through the API
     * @param webhookSecretConfigured whether the deployment provides a default signing secret
     */
    static ProviderView of(Provider provider, JsonObject config, Set<String> secretsSet, boolean webhookSecretConfigured) {
        JsonObject c = config == null ? new JsonObject() : config;
        boolean fromApi = secretsSet.contains("webhook_secret");
        return new ProviderView(provider, config != null || !secretsSet.isEmpty(),
                c.getJsonArray("webhook_allowed_ips", new JsonArray()).stream().map(String.class::cast).toList(),
                c.getBoolean("webhook_require_signature", true), c.getBoolean("ssl_verify"), c.getString("ssl_ca_bundle"),
                c.getString("proxy_url") == null ? null : withoutPassword(c.getString("proxy_url")),
                c.getDouble("http_timeout"), c.getString("api_base_url"), c.getBoolean("s3_endpoint_enabled"),
                c.getString("s3_public_url"), c.getString("s3_output_path"), fromApi || webhookSecretConfigured,
                secretsSet.contains("api_token"), costLimit(c.getJsonObject("cost_limit")),
                prices(c.getJsonObject("hardware_prices")),
                fromApi ? "api" : webhookSecretConfigured ? "configuration" : null);
    }

    private static CostLimit costLimit(JsonObject limit) {
        return limit == null ? null
                : new CostLimit(limit.getDouble("amount"), limit.getString("period"), limit.getString("action"));
    }

    private static Map<String, Double> prices(JsonObject prices) {
        if (prices == null) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        prices.fieldNames().forEach(hardware -> out.put(hardware, prices.getDouble(hardware)));
        return out;
    }

    /** A proxy URL's credentials are not for readers: {@code http://user:***@host:port}. */
    static String withoutPassword(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getUserInfo() == null) {
                return url;
            }
            String user = uri.getUserInfo().split(":", 2)[0];
            return uri.getScheme() + "://" + user + ":***@" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null ? "" : uri.getRawPath());
        } catch (IllegalArgumentException e) {
            return "***";
        }
    }
}
