package io.tuneops.webhook.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The cloud providers tuneops can drive. Configuration (and with it {@code configured: true})
 * arrives with provider configuration storage; until then no provider is configured.
 */
@Path("/api/cloud/providers")
@Produces(MediaType.APPLICATION_JSON)
public class ProviderResource {

    public record ProviderSummary(String name, String display_name, boolean configured) {
    }

    public record ProviderList(List<ProviderSummary> providers) {
    }

    private static final List<ProviderSummary> SUPPORTED = List.of(
            new ProviderSummary("replicate", "Replicate", false));

    @GET
    public ProviderList list() {
        return new ProviderList(SUPPORTED);
    }
}
