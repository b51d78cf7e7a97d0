package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tuneops.system.OpenApiOperations.Operation;
import io.tuneops.system.OpenApiOperations.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The combined description at {@code /api/openapi} against what the gateway routes and the
 * services serve: nothing documented that is not routed and served, no routed prefix without a
 * documented operation, and every JAX-RS route documented.
 */
@ExtendWith({Suite.Extension.class, AccessProbe.Extension.class})
class OpenApiIT {

    /** Every route the services serve with JAX-RS resources (storage's S3 routes are Vert.x routes). */
    private static final List<String> JAX_RS_ROUTES = List.of(
            "GET /api/openapi",
            "POST /api/auth/api-keys", "GET /api/auth/api-keys", "DELETE /api/auth/api-keys/{id}", "GET /api/auth/whoami",
            "POST /api/auth/session", "GET /api/auth/session", "POST /api/auth/session/end",
            "POST /api/auth/login", "POST /api/auth/logout", "GET /api/auth/me", "GET /api/auth/status",
            "GET /api/users", "POST /api/users", "GET /api/users/me", "GET /api/users/{id}", "PATCH /api/users/{id}",
            "DELETE /api/users/{id}", "GET /api/users/{id}/api-keys", "POST /api/users/{id}/api-keys",
            "DELETE /api/users/{id}/api-keys/{key}",
            "GET /api/orgs", "POST /api/orgs", "GET /api/orgs/{org}", "PATCH /api/orgs/{org}", "DELETE /api/orgs/{org}",
            "GET /api/orgs/{org}/members", "GET /api/orgs/{org}/teams", "POST /api/orgs/{org}/teams",
            "GET /api/orgs/{org}/teams/{team}", "PATCH /api/orgs/{org}/teams/{team}", "DELETE /api/orgs/{org}/teams/{team}",
            "GET /api/orgs/{org}/teams/{team}/members", "POST /api/orgs/{org}/teams/{team}/members",
            "DELETE /api/orgs/{org}/teams/{team}/members/{user}",
            "POST /api/webhooks/{provider}",
            "GET /api/webhooks", "POST /api/webhooks", "GET /api/webhooks/events", "GET /api/webhooks/{webhook_id}",
            "PATCH /api/webhooks/{webhook_id}", "PUT /api/webhooks/{webhook_id}", "DELETE /api/webhooks/{webhook_id}",
            "POST /api/webhooks/{webhook_id}/test", "GET /api/webhooks/{webhook_id}/history",
            "GET /api/cloud/notifications/channels", "POST /api/cloud/notifications/channels",
            "GET /api/cloud/notifications/channels/{channel_id}", "PATCH /api/cloud/notifications/channels/{channel_id}",
            "PUT /api/cloud/notifications/channels/{channel_id}", "DELETE /api/cloud/notifications/channels/{channel_id}",
            "POST /api/cloud/notifications/channels/{channel_id}/test",
            "GET /api/cloud/notifications/preferences", "POST /api/cloud/notifications/preferences",
            "DELETE /api/cloud/notifications/preferences/{preference_id}",
            "GET /api/cloud/notifications/events", "GET /api/cloud/notifications/presets",
            "GET /api/cloud/notifications/presets/{preset_id}", "GET /api/cloud/notifications/status",
            "POST /api/cloud/notifications/skip", "GET /api/cloud/notifications/history",
            "POST /api/cloud/notifications/history/{delivery_id}/retry",
            "GET /api/cloud/providers", "GET /api/cloud/providers/{provider}", "PUT /api/cloud/providers/{provider}",
            "GET /api/cloud/providers/{provider}/config", "PUT /api/cloud/providers/{provider}/config",
            "POST /api/cloud/jobs", "POST /api/cloud/jobs/submit", "GET /api/cloud/jobs", "GET /api/cloud/jobs/{job_id}",
            "POST /api/cloud/jobs/{job_id}/cancel", "DELETE /api/cloud/jobs/{job_id}", "GET /api/cloud/jobs/{job_id}/logs",
            "GET /api/cloud/jobs/{job_id}/logs/stream", "GET /api/cloud/jobs/{job_id}/inline-progress",
            "GET /api/approvals/rules", "POST /api/approvals/rules", "GET /api/approvals/rules/{rule_id}",
            "PATCH /api/approvals/rules/{rule_id}", "DELETE /api/approvals/rules/{rule_id}", "GET /api/approvals/conditions",
            "GET /api/approvals/requests", "GET /api/approvals/requests/pending/count", "GET /api/approvals/requests/{request_id}",
            "GET /api/approvals/requests/job/{job_id}", "POST /api/approvals/requests/{request_id}/approve",
            "POST /api/approvals/requests/{request_id}/reject", "POST /api/approvals/requests/{request_id}/cancel",
            "POST /api/approvals/requests/bulk-approve", "POST /api/approvals/requests/bulk-reject",
            "GET /api/approvals/me", "POST /api/approvals/expire",
            "GET /api/cloud/health", "GET /api/cloud/health/live", "GET /api/cloud/health/ready",
            "GET /api/cloud/metrics/prometheus",
            "GET /api/cloud/metrics/config", "PUT /api/cloud/metrics/config", "GET /api/cloud/metrics/config/categories",
            "GET /api/cloud/metrics/config/templates", "POST /api/cloud/metrics/config/templates/{name}",
            "POST /api/cloud/metrics/config/apply-template/{name}",
            "GET /api/cloud/metrics/config/preview", "POST /api/cloud/metrics/config/preview",
            "GET /api/metrics/health", "GET /api/metrics/health/live", "GET /api/metrics/health/ready",
            "GET /api/metrics/prometheus", "GET /api/metrics/config", "PUT /api/metrics/config",
            "GET /api/metrics/config/preview", "POST /api/metrics/config/preview",
            "GET /api/audit", "GET /api/audit/stats", "GET /api/audit/verify", "GET /api/audit/types");

    private final Suite suite = Suite.Extension.suite();
    private final AccessProbe probe = AccessProbe.Extension.probe();
    /** This test's own client address: its own rate-limit windows. */
    private final String client = "203.0.113." + (1 + new Random().nextInt(250));

    private JsonNode description() {
        Http.Reply reply = Http.request("GET", suite.gateway("/api/openapi"), null, "X-Forwarded-For", client);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private Map<String, String> asAdmin() {
        return Map.of("Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client);
    }

    @Test
    void theGatewayServesTheCombinedDescriptionWithoutAKeyAsJsonOrYaml() throws Exception {
        Http.Reply json = Http.request("GET", suite.gateway("/api/openapi"), null, "X-Forwarded-For", client);
        assertEquals(200, json.status(), json.body());
        assertTrue(json.header("Content-Type").startsWith("application/json"), json.header("Content-Type"));
        JsonNode description = json.json();
        assertTrue(description.get("openapi").asText().startsWith("3."), description.get("openapi").toString());
        assertEquals("tuneops", description.at("/info/title").asText());
        assertFalse(description.at("/info/version").asText().isBlank());
        assertEquals(Set.of("bearer", "X-API-Key", "sigv4", "session"), names(description.at("/components/securitySchemes")));

        Http.Reply yaml = Http.request("GET", suite.gateway("/api/openapi?format=yaml"), null, "X-Forwarded-For", client);
        assertEquals(200, yaml.status(), yaml.body());
        assertTrue(yaml.header("Content-Type").startsWith("application/yaml"), yaml.header("Content-Type"));
        JsonNode fromYaml = new YAMLMapper().readTree(yaml.body());
        assertEquals(description.get("info"), fromYaml.get("info"));
        assertEquals(names(description.get("paths")), names(fromYaml.get("paths")));

        Http.Reply unknown = Http.request("GET", suite.gateway("/api/openapi?format=xml"), null, "X-Forwarded-For", client);
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals("format must be json or yaml", unknown.json().get("detail").asText());
    }

    @Test
    void everyDocumentedOperationIsRoutedByTheGatewayAndServedByItsService() {
        JsonNode description = description();
        List<Route> routes = OpenApiOperations.routes(description);
        List<Operation> operations = OpenApiOperations.of(description);
        assertTrue(operations.size() >= JAX_RS_ROUTES.size(), operations.toString());
        List<String> problems = new ArrayList<>();
        for (Operation op : operations) {
            Route route = OpenApiOperations.routeOf(routes, op.path());
            if (route == null) {
                problems.add(op + " is under no prefix the gateway routes");
                continue;
            }
            Http.Reply viaGateway = op.send(probe.gateway.url(""), asAdmin());
            if (route.service().equals("gateway-service")) {
                if (OpenApiOperations.noRoute(viaGateway)) {
                    problems.add(op + ": the gateway has no route for it (" + viaGateway.status() + ")");
                }
                continue;
            }
            if (!AccessProbe.reached(viaGateway)) {
                problems.add(op + ": the gateway answered " + viaGateway.status() + " " + viaGateway.body()
                        + " instead of forwarding it to " + route.service());
            }
            Http.Reply owner = op.send(suite.service(route.service()).url(""), AccessProbe.vouched("admin"));
            if (OpenApiOperations.noRoute(owner)) {
                problems.add(op + ": " + route.service() + " has no route for it (" + owner.status() + ")");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyPrefixTheGatewayRoutesHasADocumentedOperation() {
        JsonNode description = description();
        List<Route> routes = OpenApiOperations.routes(description);
        List<Operation> operations = OpenApiOperations.of(description);
        assertEquals(new TreeSet<>(Suite.SERVICES), routes.stream().map(Route::service).collect(Collectors.toCollection(TreeSet::new)));
        for (Route route : routes) {
            assertTrue(operations.stream().anyMatch(op -> route.covers(op.path())), route + " has no documented operation");
            if (!route.service().equals("gateway-service")) {
                // the published table is the one the gateway routes by
                Http.Reply forwarded = Http.request("GET", probe.gateway.url(route.concretePrefix() + "/no-such-thing"), null,
                        "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client);
                assertTrue(AccessProbe.reached(forwarded), route + ": " + forwarded.status() + " " + forwarded.body());
            }
        }
    }

    @Test
    void theJaxRsRoutesAreDocumented() {
        Set<String> documented = OpenApiOperations.of(description()).stream().map(Operation::toString).collect(Collectors.toSet());
        assertEquals(List.of(), JAX_RS_ROUTES.stream().filter(route -> !documented.contains(route)).toList(),
                "routes missing from the description");
    }

    @Test
    void eachServiceDescribesOnlyRoutesTheGatewayRoutesToIt() {
        List<Route> routes = OpenApiOperations.routes(description());
        List<String> problems = new ArrayList<>();
        for (String service : Suite.SERVICES) {
            // the gateway's own /q/openapi is behind its guard; the owners' are open on their ports
            Http.Reply own = Http.get(suite.service(service).url("/q/openapi?format=json"));
            assertEquals(200, own.status(), service + ": " + own.body());
            for (String path : names(own.json().get("paths"))) {
                Route route = OpenApiOperations.routeOf(routes, path);
                if (route == null || !route.service().equals(service)) {
                    problems.add(service + " describes " + path + ", which the gateway routes "
                            + (route == null ? "nowhere" : "to " + route.service()));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aServiceThatCannotDescribeItselfMakesTheDescriptionUnavailableNamingIt() {
        // the probe gateway's owners are a sink whose /q/openapi answers 503
        Http.Reply reply = Http.request("GET", probe.gateway.url("/api/openapi"), null, "X-Forwarded-For", client);
        assertEquals(503, reply.status(), reply.body());
        String detail = reply.json().get("detail").asText();
        for (String service : List.of("webhook-service", "storage-service", "metrics-service", "audit-service")) {
            assertTrue(detail.contains(service), detail);
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
