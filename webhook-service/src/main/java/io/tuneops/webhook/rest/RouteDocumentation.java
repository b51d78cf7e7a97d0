package io.tuneops.webhook.rest;

import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.core.http.HttpMethod;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;

/**
 * Completes the OpenAPI description from the route tables (mp.openapi.filter), so that it cannot
 * drift from them: an alias route is described as the route it answers for, and CallerAccess's
 * table decides which operations need an API key (both key schemes as alternatives, the scope,
 * and the 401 and 403 a refused caller gets).
 */
public class RouteDocumentation implements OASFilter {

    /** A route kept for the original's clients that answers exactly as {@code of} with {@code ofMethod}. */
    private record Alias(String path, PathItem.HttpMethod method, String of, PathItem.HttpMethod ofMethod) {
        Alias(String path, PathItem.HttpMethod method, String of) {
            this(path, method, of, method);
        }
    }

    private static final List<Alias> ALIASES = List.of(
            new Alias("/api/cloud/jobs", PathItem.HttpMethod.POST, "/api/cloud/jobs/submit"),
            new Alias("/api/cloud/providers/{provider}/config", PathItem.HttpMethod.GET, "/api/cloud/providers/{provider}"),
            new Alias("/api/cloud/providers/{provider}/config", PathItem.HttpMethod.PUT, "/api/cloud/providers/{provider}"),
            new Alias("/api/quotas/status", PathItem.HttpMethod.GET, "/api/quotas/me"),
            new Alias("/api/cloud/notifications/channels/{channel_id}", PathItem.HttpMethod.PUT,
                    "/api/cloud/notifications/channels/{channel_id}", PathItem.HttpMethod.PATCH),
            new Alias("/api/webhooks/{webhook_id}", PathItem.HttpMethod.PUT, "/api/webhooks/{webhook_id}", PathItem.HttpMethod.PATCH));

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Paths paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null) {
            return;
        }
        for (Alias alias : ALIASES) {
            Operation operation = operation(paths, alias.path(), alias.method());
            Operation route = operation(paths, alias.of(), alias.ofMethod());
            operation.setRequestBody(route.getRequestBody());
            operation.setResponses(route.getResponses());
            operation.setDescription("Same as " + alias.ofMethod() + " " + alias.of() + ".");
        }
        paths.getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) -> {
            Access access = CallerAccess.required(HttpMethod.valueOf(method.name()), path);
            if (access != Access.OPEN) {
                document(operation, access);
            }
        }));
    }

    /** @throws IllegalStateException when a route of the table is not described: the table is out of date */
    private static Operation operation(Paths paths, String path, PathItem.HttpMethod method) {
        PathItem item = paths.getPathItem(path);
        Operation operation = item == null ? null : item.getOperations().get(method);
        if (operation == null) {
            throw new IllegalStateException("no operation " + method + " " + path + " to document");
        }
        return operation;
    }

    private static void document(Operation operation, Access access) {
        operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(OpenApiDefinition.BEARER),
                OASFactory.createSecurityRequirement().addScheme(OpenApiDefinition.API_KEY)));
        String needs = "Needs an API key with the " + access.id() + " scope (or a higher one).";
        operation.setDescription(operation.getDescription() == null ? needs : operation.getDescription() + " " + needs);
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
        responses.addAPIResponse("401", error("No API key, or one the gateway does not know"));
        // a route's own 403 (a held job cancelled by someone else, a team not one's own) stays beside the scope's
        APIResponse own = responses.getAPIResponse("403");
        String scope = "The key lacks the " + access.id() + " scope";
        responses.addAPIResponse("403", error(own == null || own.getDescription() == null ? scope
                : scope + "; or: " + own.getDescription()));
        operation.setResponses(responses);
    }

    private static APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent()
                .addMediaType("application/json", OASFactory.createMediaType().schema(OASFactory.createSchema().ref("ErrorResponse"))));
    }
}
