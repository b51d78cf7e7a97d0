package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** webhook-service's provider configuration ({@code /api/cloud/providers}), in the JSON it answers. */
@ApplicationScoped
public class ProvidersApi {

    static final String PROVIDERS = "/api/cloud/providers";

    public record Summary(String name, String display_name, boolean configured) {
    }

    public record ProviderList(List<Summary> providers) {
    }

    public record CostLimit(Double amount, String period, String action) {
    }

    /** A configuration as readers see it: secrets only as configured or not. */
    public record ProviderView(String provider, boolean configured, List<String> webhook_allowed_ips,
                               boolean webhook_require_signature, Boolean ssl_verify, String ssl_ca_bundle,
                               String proxy_url, Double http_timeout, String api_base_url, Boolean s3_endpoint_enabled,
                               String s3_public_url, String s3_output_path, boolean webhook_secret_configured,
                               boolean api_token_configured, CostLimit cost_limit, Map<String, Double> hardware_prices,
                               String webhook_secret_source) {
    }

    /**
     * A partial change as webhook-service reads it (field by field, telling an absent field from a
     * null one): a component left {@code null} ({@link #unchanged()}) is not sent and the field stays
     * as stored; {@code Optional.empty()} is sent as null, which resets the field to its default (a
     * secret: removes it); a value is sent as it is. NON_NULL, not NON_ABSENT: an empty Optional must
     * reach the wire as null.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProviderChange(Optional<List<String>> webhook_allowed_ips, Optional<Boolean> webhook_require_signature,
                                 Optional<Boolean> ssl_verify, Optional<String> ssl_ca_bundle, Optional<String> proxy_url,
                                 Optional<Double> http_timeout, Optional<String> api_base_url,
                                 Optional<Boolean> s3_endpoint_enabled, Optional<String> s3_public_url,
                                 Optional<String> s3_output_path, Optional<String> api_token, Optional<String> webhook_secret,
                                 Optional<CostLimit> cost_limit, Optional<Map<String, Double>> hardware_prices) {

        /** A field the change leaves as stored: not sent at all. */
        public static <T> Optional<T> unchanged() {
            return null;
        }
    }

    private final OwnerClient owners;

    public ProvidersApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<ProviderList>> list(Caller caller) {
        return owners.get(Owner.WEBHOOK, PROVIDERS, caller, ProviderList.class);
    }

    public Uni<Answer<ProviderView>> get(Caller caller, String provider) {
        return owners.get(Owner.WEBHOOK, PROVIDERS + "/" + Query.segment(provider), caller, ProviderView.class);
    }

    /** A partial change: absent fields stay, null resets a field to its default (docs/jobs.md). */
    public Uni<Answer<ProviderView>> change(Caller caller, String provider, ProviderChange change) {
        return owners.send(Owner.WEBHOOK, HttpMethod.PUT, PROVIDERS + "/" + Query.segment(provider), caller, change,
                ProviderView.class);
    }
}
