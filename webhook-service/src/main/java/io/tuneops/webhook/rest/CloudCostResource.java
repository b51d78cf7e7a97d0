package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.service.CostEstimates;
import io.tuneops.webhook.service.FieldError;
import io.tuneops.webhook.service.Provider;
import io.tuneops.webhook.service.StrictJson;
import io.tuneops.webhook.service.SubmitRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What jobs cost before any is submitted: the provider's priced hardware and an estimate for one job. */
@Path("/api/cloud")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Jobs")
@APIResponse(responseCode = "503", description = "PostgreSQL or Redis unavailable; retry (Retry-After)",
        content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
public class CloudCostResource {

    private static final Set<String> FIELDS = Set.of("provider", "hardware", "max_run_seconds");

    private final CostEstimates estimates;

    public CloudCostResource(CostEstimates estimates) {
        this.estimates = estimates;
    }

    public record HardwareOption(String id, String name, double cost_per_second, double cost_per_hour, boolean available) {
    }

    public record HardwareOptions(List<HardwareOption> hardware, String default_hardware, String message) {
    }

    /** The original's answer; {@code data_size_mb} is null: tuneops does not upload training data for the job. */
    public record CostEstimate(boolean has_estimate, Double estimated_cost_usd, Double avg_duration_seconds,
                               Double hardware_cost_per_hour, Double data_size_mb, String message) {
    }

    @Schema(name = "CostEstimateRequest", description = "The job to price; the original's JSON array body (a "
            + "dataloader configuration) is accepted too and prices the default hardware of replicate")
    public record CostEstimateRequest(@Schema(description = "replicate (default) or generic") String provider,
                                      @Schema(description = "Default: the provider's default_hardware") String hardware,
                                      @Schema(description = "1 to 2592000; without it the average of the hardware's latest completed jobs")
                                      Integer max_run_seconds) {
    }

    @GET
    @Path("/hardware-options")
    @Operation(summary = "Priced hardware", description = "From the provider's hardware_prices, cheapest first.")
    @APIResponse(responseCode = "200", description = "The hardware", content = @Content(schema = @Schema(implementation = HardwareOptions.class)))
    @APIResponse(responseCode = "400", description = "Unknown provider", content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> hardwareOptions(@Parameter(description = "replicate (default) or generic") @QueryParam("provider") String provider) {
        Provider chosen = provider == null ? Provider.REPLICATE : Provider.fromWire(provider).orElse(null);
        if (chosen == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "provider must be one of " + String.join(", ", Provider.wireNames())));
        }
        return estimates.hardware(chosen).map(options -> Response.ok(new HardwareOptions(options.hardware().stream()
                .map(h -> new HardwareOption(h.id(), h.name(), h.pricePerSecond(), h.pricePerHour(), h.available())).toList(),
                options.defaultHardware(), options.message())).build());
    }

    @POST
    @Path("/cost-estimate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Estimate a job's cost", description = "Price of the hardware times the expected run time: "
            + "max_run_seconds, else the average of the hardware's latest completed jobs; has_estimate is false, with "
            + "a message saying why, when there is neither or no price.")
    @RequestBody(content = @Content(schema = @Schema(implementation = CostEstimateRequest.class)))
    @APIResponse(responseCode = "200", description = "The estimate", content = @Content(schema = @Schema(implementation = CostEstimate.class)))
    @APIResponse(responseCode = "400", description = "Invalid request: every wrong field is named",
            content = @Content(schema = @Schema(implementation = ValidationError.class)))
    public Uni<Response> costEstimate(String body) {
        String text = body == null ? "" : body.strip();
        JsonObject request;
        if (text.isEmpty() || text.startsWith("[")) {
            request = new JsonObject();
        } else {
            try {
                request = StrictJson.object(Buffer.buffer(text));
            } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
                return Uni.createFrom().item(JsonErrorMappers.json(400, "The body must be a JSON object {provider, hardware, "
                        + "max_run_seconds} or the original's JSON array"));
            }
        }
        List<FieldError> errors = new ArrayList<>();
        for (String field : request.fieldNames()) {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "unknown field; accepted: " + String.join(", ", new TreeSet<>(FIELDS))));
            }
        }
        Object providerValue = request.getValue("provider");
        Provider provider = providerValue == null ? Provider.REPLICATE
                : providerValue instanceof String s ? Provider.fromWire(s).orElse(null) : null;
        if (provider == null) {
            errors.add(new FieldError("provider", "one of " + String.join(", ", Provider.wireNames())));
        }
        Object hardwareValue = request.getValue("hardware");
        if (hardwareValue != null && (!(hardwareValue instanceof String h) || h.isBlank() || h.length() > 128)) {
            errors.add(new FieldError("hardware", "must be a hardware name of at most 128 characters"));
        }
        Integer maxRunSeconds = SubmitRequest.runSeconds(request.getValue("max_run_seconds"), "max_run_seconds", errors);
        if (!errors.isEmpty()) {
            return Uni.createFrom().item(Response.status(400).entity(new ValidationError("Invalid cost estimate request", errors)).build());
        }
        Uni<String> hardware = hardwareValue instanceof String h ? Uni.createFrom().item(h)
                : estimates.hardware(provider).map(CostEstimates.HardwareOptions::defaultHardware);
        return hardware.chain(h -> estimates.estimate(provider, h, maxRunSeconds))
                .map(e -> Response.ok(new CostEstimate(e.hasEstimate(), e.costUsd() == null ? null : e.costUsd().doubleValue(),
                        e.runSeconds(), e.pricePerHour(), null, e.message())).build());
    }
}
