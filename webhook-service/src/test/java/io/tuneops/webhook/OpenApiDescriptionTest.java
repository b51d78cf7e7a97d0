package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The description at /q/openapi that the gateway combines: every public route, none of the internal ones. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class OpenApiDescriptionTest {

    static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

    JsonObject description;

    // per test, not @BeforeAll: RestAssured points at the application only once it runs
    @BeforeEach
    void read() {
        description = new JsonObject(RestAssured.given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
    }

    private JsonObject operation(String path, String method) {
        JsonObject item = description.getJsonObject("paths").getJsonObject(path);
        assertNotNull(item, "no path " + path);
        JsonObject operation = item.getJsonObject(method);
        assertNotNull(operation, "no " + method + " " + path);
        return operation;
    }

    @Test
    void everyPublicRouteIsDescribedAndNoInternalOne() {
        Map<String, Set<String>> expected = Map.ofEntries(
                Map.entry("/api/cloud/jobs", Set.of("get", "post")),
                Map.entry("/api/cloud/jobs/submit", Set.of("post")),
                Map.entry("/api/cloud/jobs/{job_id}", Set.of("get", "delete")),
                Map.entry("/api/cloud/jobs/{job_id}/cancel", Set.of("post")),
                Map.entry("/api/cloud/jobs/{job_id}/logs", Set.of("get")),
                Map.entry("/api/cloud/jobs/{job_id}/logs/stream", Set.of("get")),
                Map.entry("/api/cloud/jobs/{job_id}/inline-progress", Set.of("get")),
                Map.entry("/api/cloud/providers", Set.of("get")),
                Map.entry("/api/cloud/providers/{provider}", Set.of("get", "put")),
                Map.entry("/api/cloud/providers/{provider}/config", Set.of("get", "put")),
                Map.entry("/api/webhooks/{provider}", Set.of("post")),
                Map.entry("/api/cloud/hardware-options", Set.of("get")),
                Map.entry("/api/cloud/cost-estimate", Set.of("post")),
                Map.entry("/api/quotas", Set.of("get", "post")),
                Map.entry("/api/quotas/types", Set.of("get")),
                Map.entry("/api/quotas/me", Set.of("get")),
                Map.entry("/api/quotas/status", Set.of("get")),
                Map.entry("/api/quotas/user/{user_id}", Set.of("get")),
                Map.entry("/api/quotas/cost-estimate", Set.of("post")),
                Map.entry("/api/quotas/{quota_id}", Set.of("get", "delete")),
                Map.entry("/api/orgs/{org_id}/quotas", Set.of("get", "post")),
                Map.entry("/api/orgs/{org_id}/teams/{team_id}/quotas", Set.of("get", "post")),
                Map.entry("/api/approvals/rules", Set.of("get", "post")),
                Map.entry("/api/approvals/rules/{rule_id}", Set.of("get", "patch", "delete")),
                Map.entry("/api/approvals/conditions", Set.of("get")),
                Map.entry("/api/approvals/requests", Set.of("get")),
                Map.entry("/api/approvals/requests/pending/count", Set.of("get")),
                Map.entry("/api/approvals/requests/{request_id}", Set.of("get")),
                Map.entry("/api/approvals/requests/job/{job_id}", Set.of("get")),
                Map.entry("/api/approvals/requests/{request_id}/approve", Set.of("post")),
                Map.entry("/api/approvals/requests/{request_id}/reject", Set.of("post")),
                Map.entry("/api/approvals/requests/{request_id}/cancel", Set.of("post")),
                Map.entry("/api/approvals/requests/bulk-approve", Set.of("post")),
                Map.entry("/api/approvals/requests/bulk-reject", Set.of("post")),
                Map.entry("/api/approvals/me", Set.of("get")),
                Map.entry("/api/approvals/expire", Set.of("post")),
                Map.entry("/api/cloud/notifications/channels", Set.of("get", "post")),
                Map.entry("/api/cloud/notifications/channels/{channel_id}", Set.of("get", "patch", "put", "delete")),
                Map.entry("/api/cloud/notifications/channels/{channel_id}/test", Set.of("post")),
                Map.entry("/api/cloud/notifications/preferences", Set.of("get", "post")),
                Map.entry("/api/cloud/notifications/preferences/{preference_id}", Set.of("delete")),
                Map.entry("/api/cloud/notifications/history", Set.of("get")),
                Map.entry("/api/cloud/notifications/history/{delivery_id}/retry", Set.of("post")),
                Map.entry("/api/cloud/notifications/events", Set.of("get")),
                Map.entry("/api/cloud/notifications/presets", Set.of("get")),
                Map.entry("/api/cloud/notifications/presets/{preset_id}", Set.of("get")),
                Map.entry("/api/cloud/notifications/status", Set.of("get")),
                Map.entry("/api/cloud/notifications/skip", Set.of("post")),
                Map.entry("/api/webhooks", Set.of("get", "post")),
                Map.entry("/api/webhooks/events", Set.of("get")),
                Map.entry("/api/webhooks/{webhook_id}", Set.of("get", "patch", "put", "delete")),
                Map.entry("/api/webhooks/{webhook_id}/test", Set.of("post")),
                Map.entry("/api/webhooks/{webhook_id}/history", Set.of("get")));
        JsonObject paths = description.getJsonObject("paths");
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(paths.fieldNames()));
        expected.forEach((path, methods) -> {
            Set<String> described = new TreeSet<>(paths.getJsonObject(path).fieldNames());
            described.retainAll(METHODS);
            assertEquals(new TreeSet<>(methods), described, path);
            methods.forEach(m -> assertNotNull(operation(path, m).getString("summary"), m + " " + path + " has no summary"));
        });
        assertEquals("tuneops webhook-service", description.getJsonObject("info").getString("title"));
    }

    @Test
    void routesNeedingAKeyAcceptEitherHeaderAndSayWhichScope() {
        JsonObject schemes = description.getJsonObject("components").getJsonObject("securitySchemes");
        assertEquals("bearer", schemes.getJsonObject("bearer").getString("scheme"));
        assertEquals("header", schemes.getJsonObject("X-API-Key").getString("in"));
        for (String[] route : new String[][]{{"/api/cloud/jobs", "get", "viewer"}, {"/api/cloud/jobs/submit", "post", "operator"},
                {"/api/cloud/jobs/{job_id}", "delete", "operator"}, {"/api/cloud/providers/{provider}", "get", "viewer"},
                {"/api/cloud/providers/{provider}", "put", "admin"}, {"/api/quotas", "post", "admin"},
                {"/api/quotas/types", "get", "viewer"}, {"/api/quotas/cost-estimate", "post", "viewer"},
                {"/api/orgs/{org_id}/teams/{team_id}/quotas", "post", "admin"}, {"/api/cloud/cost-estimate", "post", "viewer"},
                {"/api/cloud/hardware-options", "get", "viewer"},
                {"/api/cloud/notifications/channels", "get", "viewer"}, {"/api/cloud/notifications/channels", "post", "admin"},
                {"/api/cloud/notifications/preferences", "post", "viewer"}, {"/api/cloud/notifications/history", "get", "admin"},
                {"/api/webhooks", "get", "admin"}, {"/api/webhooks/{webhook_id}", "delete", "admin"},
                {"/api/webhooks/events", "get", "viewer"}}) {
            JsonObject operation = operation(route[0], route[1]);
            List<Object> security = operation.getJsonArray("security").getList();
            assertEquals(2, security.size(), "bearer or X-API-Key on " + route[1] + " " + route[0]);
            assertTrue(operation.getString("description").contains("the " + route[2] + " scope"), operation.getString("description"));
            assertTrue(operation.getJsonObject("responses").containsKey("401"), route[0]);
            assertTrue(operation.getJsonObject("responses").containsKey("403"), route[0]);
        }
        // a route's own 403 stays described beside the scope's
        String cancelRefused = operation("/api/cloud/jobs/{job_id}/cancel", "post").getJsonObject("responses")
                .getJsonObject("403").getString("description");
        assertTrue(cancelRefused.contains("operator scope") && cancelRefused.contains("held for approval"), cancelRefused);
    }

    @Test
    void anAliasIsDescribedAsTheRouteItAnswersFor() {
        JsonObject alias = operation("/api/cloud/providers/{provider}/config", "put");
        JsonObject route = operation("/api/cloud/providers/{provider}", "put");
        assertEquals(route.getJsonObject("requestBody"), alias.getJsonObject("requestBody"));
        assertEquals(route.getJsonObject("responses").fieldNames(), alias.getJsonObject("responses").fieldNames());
        assertTrue(alias.getString("description").startsWith("Same as PUT /api/cloud/providers/{provider}."));
        assertEquals(operation("/api/cloud/jobs/submit", "post").getJsonObject("responses").fieldNames(),
                operation("/api/cloud/jobs", "post").getJsonObject("responses").fieldNames());
    }

    @Test
    void webhooksNeedNoKey() {
        JsonObject webhook = operation("/api/webhooks/{provider}", "post");
        assertTrue(webhook.getJsonArray("security") == null || webhook.getJsonArray("security").isEmpty(),
                "the signature authenticates a webhook, not a key");
        assertNull(description.getJsonArray("security"), "no key required by default");
    }

    @Test
    void operationsAreTaggedByAreaAndErrorsHaveTheDetailShape() {
        assertEquals("Jobs", operation("/api/cloud/jobs/{job_id}", "get").getJsonArray("tags").getString(0));
        assertEquals("Providers", operation("/api/cloud/providers", "get").getJsonArray("tags").getString(0));
        assertEquals("Webhooks", operation("/api/webhooks/{provider}", "post").getJsonArray("tags").getString(0));
        JsonObject notFound = operation("/api/cloud/jobs/{job_id}", "get").getJsonObject("responses").getJsonObject("404");
        String ref = notFound.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema").getString("$ref");
        JsonObject error = description.getJsonObject("components").getJsonObject("schemas")
                .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
        assertEquals(Set.of("detail"), error.getJsonObject("properties").fieldNames());
        JsonObject job = description.getJsonObject("components").getJsonObject("schemas").getJsonObject("JobView");
        assertFalse(job.getJsonObject("properties").isEmpty());
        assertTrue(job.getJsonObject("properties").containsKey("upload_progress"));
    }
}
