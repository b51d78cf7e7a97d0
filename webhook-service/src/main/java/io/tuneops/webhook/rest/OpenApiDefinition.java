package io.tuneops.webhook.rest;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The OpenAPI description of webhook-service's public routes (served at /q/openapi; the gateway
 * combines every service's). An API key is accepted in either header, so operations that need one
 * list both schemes as alternatives. Title and version come from application.properties. SmallRye
 * reads this annotation only on a JAX-RS Application; with no {@code @ApplicationPath} and no
 * classes listed, the application still serves every resource at the root.
 */
@OpenAPIDefinition(
        info = @Info(title = "tuneops webhook-service", version = "1"),
        tags = {
                @Tag(name = "Approvals", description = "Approval rules, and the requests of held jobs: approve, reject, cancel, expire"),
                @Tag(name = "Event webhooks", description = "Standard Webhooks endpoints that receive tuneops events, signed"),
                @Tag(name = "Jobs", description = "Training jobs: submit, read, list, cancel, delete"),
                @Tag(name = "Notifications", description = "Notification channels (e-mail, Slack, webhooks), preferences, delivery history and status"),
                @Tag(name = "Providers", description = "Provider configuration: network settings, secrets, limits, webhook allowlist"),
                @Tag(name = "Quotas", description = "Quotas and budgets per organisation, team and user, checked before a job reaches its provider"),
                @Tag(name = "Webhooks", description = "Signed status reports from providers and self-reporting jobs")},
        components = @Components(securitySchemes = {
                @SecurityScheme(securitySchemeName = OpenApiDefinition.BEARER, type = SecuritySchemeType.HTTP,
                        scheme = "bearer", description = "An API key as Authorization: Bearer <key>"),
                @SecurityScheme(securitySchemeName = OpenApiDefinition.API_KEY, type = SecuritySchemeType.APIKEY,
                        in = SecuritySchemeIn.HEADER, apiKeyName = "X-API-Key", description = "An API key as X-API-Key: <key>")}))
public class OpenApiDefinition extends Application {

    public static final String BEARER = "bearer";
    public static final String API_KEY = "X-API-Key";
}
