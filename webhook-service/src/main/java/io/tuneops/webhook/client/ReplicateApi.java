package io.tuneops.webhook.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * Replicate's HTTP API (https://replicate.com/docs/reference/http), the calls tuneops makes.
 * Instances are built per provider configuration by {@link ReplicateClient} (base URL, token,
 * proxy, CA bundle, timeout differ per configuration), not injected.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ReplicateApi {

    /** @param input the user's training input, passed through as they wrote it */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CreateTraining(String destination, JsonObject input, String webhook, List<String> webhook_events_filter) {
    }

    /**
     * A training (or prediction) as Replicate returns it and as it posts it to webhooks. Input,
     * output and error are whatever the model defines, so they stay JSON values.
     */
    record Training(String id, String model, String version, String status, JsonObject input, String logs,
                    JsonNode output, JsonNode error, String created_at, String started_at, String completed_at,
                    Metrics metrics, Map<String, String> urls) {
    }

    /** The figures of a finished training that tuneops reads; Replicate may send more. */
    record Metrics(Double predict_time) {
    }

    record Account(String type, String username, String name, String github_url) {
    }

    record WebhookSigningSecret(String key) {
        @Override
        public String toString() {
            return "WebhookSigningSecret[redacted]";
        }
    }

    @POST
    @Path("/models/{owner}/{name}/versions/{version}/trainings")
    Uni<Training> createTraining(@PathParam("owner") String owner, @PathParam("name") String name,
                                 @PathParam("version") String version, CreateTraining body);

    @GET
    @Path("/trainings/{id}")
    Uni<Training> getTraining(@PathParam("id") String id);

    @POST
    @Path("/trainings/{id}/cancel")
    Uni<Training> cancelTraining(@PathParam("id") String id);

    @GET
    @Path("/account")
    Uni<Account> account();

    @GET
    @Path("/webhooks/default/secret")
    Uni<WebhookSigningSecret> webhookSecret();
}
