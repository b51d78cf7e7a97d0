package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.ErrorResponse;
import io.tuneops.support.http.JsonErrorMappers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.UncheckedIOException;
import java.util.Locale;

/** The combined OpenAPI description of the public API, open to anyone: it holds no secrets. */
@Path("/api/openapi")
@Tag(name = "API description", description = "The OpenAPI description of this API, for clients and their generators")
public class OpenApiResource {

    static final String APPLICATION_YAML = "application/yaml";
    private static final YAMLMapper YAML = new YAMLMapper();

    private final CombinedDescription description;
    private final ObjectMapper json;

    public OpenApiResource(CombinedDescription description, ObjectMapper json) {
        this.description = description;
        this.json = json;
    }

    private enum Format {
        JSON, YAML;

        static Format parse(String text) {
            for (Format format : values()) {
                if (format.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return format;
                }
            }
            return null;
        }
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, APPLICATION_YAML})
    @Operation(operationId = "getApiDescription", summary = "The OpenAPI description of the whole public API",
            description = "Every route the gateway forwards to a service, and the gateway's own, combined from each"
                    + " service's description. Needs no API key.")
    @SecurityRequirements
    @APIResponse(responseCode = "200", description = "The description (OpenAPI 3.1)", content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)),
            @Content(mediaType = APPLICATION_YAML, schema = @Schema(type = SchemaType.STRING))})
    @APIResponse(responseCode = "400", description = "A format other than json or yaml",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "A service could not be asked for its own description; the detail names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ErrorResponse.class)))
    public Uni<Response> get(@Parameter(description = "json (the default) or yaml") @QueryParam("format") String format) {
        Format chosen = format == null || format.isEmpty() ? Format.JSON : Format.parse(format);
        if (chosen == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(400, "format must be json or yaml"));
        }
        return description.get()
                .map(document -> Response.ok(write(document, chosen),
                        chosen == Format.JSON ? MediaType.APPLICATION_JSON : APPLICATION_YAML).build())
                .onFailure(DescriptionUnavailableException.class)
                .recoverWithItem(e -> JsonErrorMappers.json(503, e.getMessage()));
    }

    private String write(ObjectNode document, Format format) {
        try {
            return format == Format.JSON ? json.writeValueAsString(document) : YAML.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
