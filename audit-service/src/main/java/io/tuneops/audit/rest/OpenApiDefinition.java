package io.tuneops.audit.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * audit-service's part of the public API description (served at /q/openapi, combined by the
 * gateway): the two ways an API key is presented, under the scheme names every service uses.
 * SmallRye OpenAPI reads the definition from an Application subclass; without resource classes
 * of its own it leaves the routes as they are. The title and version the annotation requires are
 * set in application.properties (quarkus.smallrye-openapi.info-*), the version from the build.
 */
@OpenAPIDefinition(
        info = @Info(title = "tuneops audit-service", version = ""),
        tags = @Tag(name = "Audit", description = "The hash-chained audit trail: query, counts, verification"),
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
}
