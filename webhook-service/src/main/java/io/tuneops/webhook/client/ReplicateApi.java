package io.tuneops.webhook.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
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

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CreateTraining(String destination, Map<String, Object> input, String webhook,
                          List<String> webhook_events_filter) {
    }

    /** A training (or prediction) as Replicate returns it and as it posts it to webhooks. */
    record Training(String id, String model, String version, String status, Map<String, Object> input, String logs,
                    Object output, Object error, String created_at, String started_at, String completed_at,
                    Map<String, Object> metrics, Map<String, String> urls) {
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
