package io.tuneops.gateway.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The gateway's own part of the public API description (served at /q/openapi; the combined one is
 * /api/openapi): its API keys, and the two ways a key is presented, under the scheme names every
 * service uses. An {@link Application} because SmallRye OpenAPI reads {@code @OpenAPIDefinition} from
 * one (or from a package); it adds no routes and leaves every resource in place.
 */
@OpenAPIDefinition(
        info = @Info(title = "tuneops gateway-service", version = "0.1.0"),
        tags = @Tag(name = OpenApiDefinition.API_KEYS_TAG, description = "API keys: create, list, revoke, and who a key is"),
        components = @Components(securitySchemes = {
                @SecurityScheme(securitySchemeName = OpenApiDefinition.BEARER, type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "An API key as a bearer token: Authorization: Bearer <key>"),
                @SecurityScheme(securitySchemeName = OpenApiDefinition.API_KEY, type = SecuritySchemeType.APIKEY,
                        in = SecuritySchemeIn.HEADER, apiKeyName = "X-API-Key",
                        description = "An API key in the X-API-Key header")
        }))
public class OpenApiDefinition extends Application {

    public static final String BEARER = "bearer";
    public static final String API_KEY = "X-API-Key";
    public static final String API_KEYS_TAG = "API keys";
}
