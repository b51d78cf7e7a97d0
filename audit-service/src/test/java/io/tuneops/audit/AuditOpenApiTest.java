package io.tuneops.audit;

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
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * audit-service's part of the public API description: every public route, tagged, summarised,
 * behind an API key, with the {"detail": ...} error shape; the internal figures stay out.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class AuditOpenApiTest {

    private static final Set<String> PUBLIC = Set.of("/api/audit", "/api/audit/stats", "/api/audit/verify",
            "/api/audit/types");

    private JsonObject description;

    @BeforeEach
    void read() {
        description = new JsonObject(RestAssured.given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
    }

    @Test
    void everyPublicRouteIsAKeyedAuditOperation() {
        JsonObject paths = description.getJsonObject("paths");
        assertEquals(PUBLIC, paths.fieldNames());
        JsonArray keyed = new JsonArray().add(new JsonObject().put("bearer", new JsonArray()))
                .add(new JsonObject().put("X-API-Key", new JsonArray()));
        for (String path : PUBLIC) {
            assertEquals(Set.of("get"), paths.getJsonObject(path).fieldNames(), path);
            JsonObject get = paths.getJsonObject(path).getJsonObject("get");
            assertEquals(List.of("Audit"), get.getJsonArray("tags").getList(), path);
            assertFalse(get.getString("summary", "").isBlank(), path);
            assertEquals(keyed, get.getJsonArray("security"), path);
            for (String status : List.of("401", "403")) {
                assertEquals("#/components/schemas/ErrorResponse", get.getJsonObject("responses").getJsonObject(status)
                        .getJsonObject("content").getJsonObject("application/json").getJsonObject("schema").getString("$ref"),
                        path + " " + status);
            }
        }
        JsonObject info = description.getJsonObject("info");
        assertEquals("tuneops audit-service", info.getString("title"), info.encode());
        assertEquals(ConfigProvider.getConfig().getValue("quarkus.application.version", String.class),
                info.getString("version"), info.encode());
    }

    @Test
    void refusedParametersAndTheSchemesAreDescribed() {
        JsonObject query = description.getJsonObject("paths").getJsonObject("/api/audit").getJsonObject("get");
        assertEquals("#/components/schemas/ValidationError", query.getJsonObject("responses").getJsonObject("400")
                .getJsonObject("content").getJsonObject("application/json").getJsonObject("schema").getString("$ref"));
        assertTrue(query.getJsonArray("parameters").stream().map(p -> ((JsonObject) p).getString("name")).toList()
                .containsAll(List.of("event_type", "actor", "actor_id", "since", "until", "limit", "offset", "cursor")));
        assertTrue(query.getString("description").contains("cursor (keyset) wins over the offset"), query.encode());
        JsonObject schemes = description.getJsonObject("components").getJsonObject("securitySchemes");
        assertNotNull(schemes, description.getJsonObject("components").encode());
        assertEquals("bearer", schemes.getJsonObject("bearer").getString("scheme"));
        assertEquals("X-API-Key", schemes.getJsonObject("X-API-Key").getString("name"));
        assertEquals("header", schemes.getJsonObject("X-API-Key").getString("in"));
    }
}
