package io.tuneops.metrics;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * metrics-service's part of the public API description: every public route with a tag and a
 * summary, keys required where the gateway requires them, errors in the {"detail": ...} shape,
 * and nothing internal.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeServicesResource.class, scope = TestResourceScope.GLOBAL)
class MetricsOpenApiTest {

    /** Each route under the guide's /api/cloud prefix and under the original implementation's /api. */
    private static final Map<String, Set<String>> PUBLIC = both(Map.of(
            "/metrics/config", Set.of("get", "put"),
            "/metrics/config/categories", Set.of("get"),
            "/metrics/config/templates", Set.of("get"),
            "/metrics/config/templates/{name}", Set.of("post"),
            "/metrics/config/apply-template/{name}", Set.of("post"),
            "/metrics/config/preview", Set.of("get", "post"),
            "/metrics/prometheus", Set.of("get"),
            "/health", Set.of("get"),
            "/health/live", Set.of("get"),
            "/health/ready", Set.of("get")));

    private static Map<String, Set<String>> both(Map<String, Set<String>> routes) {
        Map<String, Set<String>> all = new java.util.HashMap<>();
        routes.forEach((path, methods) -> {
            all.put("/api/cloud" + path, methods);
            all.put("/api" + (path.startsWith("/health") ? "/metrics" : "") + path, methods);
        });
        return Map.copyOf(all);
    }
    private static final JsonArray KEYED = new JsonArray().add(new JsonObject().put("bearer", new JsonArray()))
            .add(new JsonObject().put("X-API-Key", new JsonArray()));

    private JsonObject description;

    @BeforeEach
    void read() {
        description = new JsonObject(RestAssured.given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
    }

    private JsonObject operation(String path, String method) {
        return description.getJsonObject("paths").getJsonObject(path).getJsonObject(method);
    }

    @Test
    void everyPublicRouteIsDescribedAndNothingElse() {
        JsonObject paths = description.getJsonObject("paths");
        assertEquals(PUBLIC.keySet(), paths.fieldNames());
        PUBLIC.forEach((path, methods) -> assertEquals(methods, paths.getJsonObject(path).fieldNames().stream()
                .filter(f -> !f.equals("parameters")).collect(Collectors.toSet()), path));
    }

    @Test
    void everyOperationHasATagAndASummary() {
        PUBLIC.forEach((path, methods) -> methods.forEach(method -> {
            JsonObject op = operation(path, method);
            String tag = path.matches("/api/(cloud|metrics)/health.*") ? "Health" : "Metrics";
            assertEquals(List.of(tag), op.getJsonArray("tags").getList(), path + " " + method);
            assertFalse(op.getString("summary", "").isBlank(), path + " " + method);
        }));
        JsonObject info = description.getJsonObject("info");
        assertEquals("tuneops metrics-service", info.getString("title"), info.encode());
        assertEquals(ConfigProvider.getConfig().getValue("quarkus.application.version", String.class),
                info.getString("version"), info.encode());
    }

    @Test
    void theConfigurationNeedsAKeyAndMonitoringRoutesSayWhenTheyDo() {
        PUBLIC.forEach((path, methods) -> methods.forEach(method -> {
            JsonObject op = operation(path, method);
            if (path.matches("/api(/cloud)?/metrics/config.*")) {
                assertEquals(KEYED, op.getJsonArray("security"), path + " " + method);
                assertTrue(op.getJsonObject("responses").containsKey("401"), path + " " + method);
                assertTrue(op.getJsonObject("responses").containsKey("403"), path + " " + method);
            } else {
                assertNull(op.getJsonArray("security"), path + " " + method);
                assertTrue(op.getString("description").contains("monitoring bearer token"), path + " " + method);
            }
        }));
        JsonObject schemes = description.getJsonObject("components").getJsonObject("securitySchemes");
        assertNotNull(schemes, description.getJsonObject("components").fieldNames().toString());
        assertEquals(new JsonObject().put("type", "http").put("scheme", "bearer"),
                withoutDescription(schemes.getJsonObject("bearer")));
        assertEquals(new JsonObject().put("type", "apiKey").put("name", "X-API-Key").put("in", "header"),
                withoutDescription(schemes.getJsonObject("X-API-Key")));
    }

    @Test
    void errorsAreTheDetailShapeAndTheExportIsText() {
        JsonObject put = operation("/api/cloud/metrics/config", "put").getJsonObject("responses");
        for (String status : List.of("401", "403", "503")) {
            assertEquals("#/components/schemas/ErrorResponse", schemaRef(put, status), status);
        }
        assertEquals("#/components/schemas/ValidationError", schemaRef(put, "400"));
        JsonObject error = description.getJsonObject("components").getJsonObject("schemas").getJsonObject("ErrorResponse");
        assertEquals(Set.of("detail"), error.getJsonObject("properties").fieldNames());

        JsonObject scrape = operation("/api/cloud/metrics/prometheus", "get").getJsonObject("responses");
        assertNotNull(scrape.getJsonObject("200").getJsonObject("content").getJsonObject("text/plain; version=0.0.4; charset=utf-8"));
        assertNull(operation("/api/cloud/metrics/config/templates/{name}", "post").getJsonObject("requestBody"),
                "the routing context is not a request body");
    }

    private static String schemaRef(JsonObject responses, String status) {
        return responses.getJsonObject(status).getJsonObject("content").getJsonObject("application/json")
                .getJsonObject("schema").getString("$ref");
    }

    private static JsonObject withoutDescription(JsonObject scheme) {
        JsonObject copy = scheme.copy();
        copy.remove("description");
        return copy;
    }
}
