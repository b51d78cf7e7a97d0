package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The gateway's own routes in its OpenAPI description (/q/openapi), which the combined one is built from. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class OwnDescriptionTest {

    private static JsonPath description() {
        return RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN).accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void everyApiKeyRouteIsAnOperationUnderItsTagWithBothKeySchemes() {
        JsonPath openapi = description();
        assertEquals("tuneops gateway-service", openapi.getString("info.title"));
        for (String operation : List.of("'/api/auth/api-keys'.post", "'/api/auth/api-keys'.get",
                "'/api/auth/api-keys/{id}'.delete", "'/api/auth/whoami'.get")) {
            String at = "paths." + operation;
            assertEquals(List.of("API keys"), openapi.getList(at + ".tags"), operation);
            assertEquals(List.of("bearer", "X-API-Key"),
                    openapi.getList(at + ".security").stream().map(s -> ((Map<?, ?>) s).keySet().iterator().next()).toList(),
                    operation);
            assertFalse(openapi.getString(at + ".responses.'401'.description").isEmpty(), operation);
        }
        assertNull(openapi.get("paths.'/api/auth/api-keys/{id}'.delete.requestBody"), "RoutingContext is no body");
        assertEquals("http", openapi.getString("components.securitySchemes.bearer.type"), String.valueOf(openapi.getMap("components")));
        assertEquals("X-API-Key", openapi.getString("components.securitySchemes.'X-API-Key'.name"));
        assertEquals("#/components/schemas/ValidationError",
                openapi.getString("paths.'/api/auth/api-keys'.post.responses.'400'.content.'application/json'.schema.$ref"));
    }
}
