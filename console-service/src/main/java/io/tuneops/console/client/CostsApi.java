package io.tuneops.console.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** webhook-service's prices before the money is spent: hardware options and a job's cost estimate. */
@ApplicationScoped
public class CostsApi {

    public record Hardware(String id, String name, Double cost_per_second, Double cost_per_hour, boolean available) {
    }

    public record HardwareOptions(List<Hardware> hardware, String default_hardware, String message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EstimateRequest(String provider, String hardware, Long max_run_seconds) {
    }

    public record Estimate(boolean has_estimate, Double estimated_cost_usd, Double avg_duration_seconds,
                           Double hardware_cost_per_hour, Double data_size_mb, String message) {
    }

    private final OwnerClient owners;

    public CostsApi(OwnerClient owners) {
        this.owners = owners;
    }

    public Uni<Answer<HardwareOptions>> hardware(Caller caller, String provider) {
        return owners.get(Owner.WEBHOOK, "/api/cloud/hardware-options" + Query.of().add("provider", provider), caller,
                HardwareOptions.class);
    }

    public Uni<Answer<Estimate>> estimate(Caller caller, EstimateRequest request) {
        return owners.send(Owner.WEBHOOK, HttpMethod.POST, "/api/cloud/cost-estimate", caller, request, Estimate.class);
    }
}
