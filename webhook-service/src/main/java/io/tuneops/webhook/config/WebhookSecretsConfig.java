package io.tuneops.webhook.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * Each provider's default Standard Webhooks signing secret, from the deployment
 * (TUNEOPS_WEBHOOK_SECRET_REPLICATE / _GENERIC, their _FILE forms or the secrets file), so a Helm
 * install can provide it from a Kubernetes Secret. A webhook_secret set through the provider API
 * wins over it; it wins over the secret fetched from Replicate with the API token.
 */
@ConfigMapping(prefix = "tuneops.webhooks.secrets")
public interface WebhookSecretsConfig {

    Optional<@StandardWebhooksSecret String> replicate();

    Optional<@StandardWebhooksSecret String> generic();

    default Optional<String> of(String provider) {
        return switch (provider) {
            case "replicate" -> replicate();
            case "generic" -> generic();
            default -> Optional.empty();
        };
    }
}
