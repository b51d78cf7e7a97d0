package io.tuneops.webhook.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The body of a provider configuration change, for the OpenAPI description. The route reads the
 * body as a JsonObject so that ProviderConfigValidator can tell an absent field (unchanged) from a
 * null one (back to its default) and name every wrong field.
 */
@Schema(description = "The fields to change; absent fields stay as they are, null resets a field to its default.")
public record ProviderConfigChange(
        @Schema(description = "IP addresses or CIDR blocks the gateway accepts webhooks from; empty or null: any")
        List<String> webhook_allowed_ips,
        @Schema(description = "Refuse unsigned webhooks (default true)") Boolean webhook_require_signature,
        @Schema(description = "Verify the provider's TLS certificate (default SIMPLETUNER_SSL_VERIFY)") Boolean ssl_verify,
        @Schema(description = "Path of a PEM bundle of CAs to trust (default SIMPLETUNER_CA_BUNDLE)") String ssl_ca_bundle,
        @Schema(description = "http(s) proxy for calls to the provider (default HTTPS_PROXY / HTTP_PROXY)") String proxy_url,
        @Schema(description = "Seconds, more than 0 and at most 3600 (default SIMPLETUNER_HTTP_TIMEOUT)") Double http_timeout,
        @Schema(description = "The provider's API base URL") String api_base_url,
        Boolean s3_endpoint_enabled,
        @Schema(description = "Where this provider's jobs upload, when not the public URL") String s3_public_url,
        String s3_output_path,
        @Schema(description = "Write-only: a Standard Webhooks secret whsec_<base64>") String webhook_secret,
        @Schema(description = "Write-only: the provider's API token") String api_token,
        ProviderView.CostLimit cost_limit,
        @Schema(description = "US dollars per second of run time, by hardware name") Map<String, Double> hardware_prices) {
}
