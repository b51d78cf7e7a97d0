package io.tuneops.webhook.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import java.time.Duration;
import java.util.Optional;

/**
 * Defaults for every outbound provider call, from the guide's environment variables (HTTPS_PROXY,
 * HTTP_PROXY, NO_PROXY, SIMPLETUNER_CA_BUNDLE, SIMPLETUNER_SSL_VERIFY, SIMPLETUNER_HTTP_TIMEOUT). A
 * provider's own configuration (proxy_url, ssl_ca_bundle, ssl_verify, http_timeout) overrides them.
 * The proxies and NO_PROXY also route notification webhooks and Slack messages.
 */
@ConfigMapping(prefix = "tuneops.outbound")
public interface OutboundConfig {

    Optional<String> httpsProxy();

    Optional<String> httpProxy();

    /** NO_PROXY: the hosts, domains and address blocks that are called directly, never through a proxy. */
    Optional<String> noProxy();

    Optional<String> caBundle();

    @WithDefault("true")
    boolean sslVerify();

    @WithDefault("30")
    @Min(1)
    @Max(3600)
    double httpTimeout();

    /** Replicate's API; tests and air-gapped mirrors point it elsewhere. */
    @WithDefault("https://api.replicate.com")
    String replicateApiBaseUrl();

    /** REPLICATE_API_TOKEN, used when the provider configuration holds no api_token. */
    Optional<String> replicateApiToken();

    /** Circuit breaker per provider: opens after this share of failures among the last requests. */
    @WithDefault("10")
    int breakerRequestVolume();

    @WithDefault("0.5")
    double breakerFailureRatio();

    @WithDefault("30S")
    Duration breakerDelay();

    /** Retries of idempotent calls (get, account, secret fetch, cancel of a known training). */
    @WithDefault("2")
    int retries();
}
