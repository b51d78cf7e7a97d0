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

    @Test
    void everyPeopleAndSignInRouteIsAnOperationUnderItsTag() {
        JsonPath openapi = description();
        List<String> people = List.of("'/api/users'.get", "'/api/users'.post", "'/api/users/me'.get", "'/api/users/{id}'.get",
                "'/api/users/{id}'.patch", "'/api/users/{id}'.delete", "'/api/users/{id}/api-keys'.get",
                "'/api/users/{id}/api-keys'.post", "'/api/users/{id}/api-keys/{key}'.delete", "'/api/orgs'.get", "'/api/orgs'.post",
                "'/api/orgs/{org}'.get", "'/api/orgs/{org}'.patch", "'/api/orgs/{org}'.delete", "'/api/orgs/{org}/members'.get",
                "'/api/orgs/{org}/teams'.get", "'/api/orgs/{org}/teams'.post", "'/api/orgs/{org}/teams/{team}'.get",
                "'/api/orgs/{org}/teams/{team}'.patch", "'/api/orgs/{org}/teams/{team}'.delete",
                "'/api/orgs/{org}/teams/{team}/members'.get", "'/api/orgs/{org}/teams/{team}/members'.post",
                "'/api/orgs/{org}/teams/{team}/members/{user}'.delete");
        for (String operation : people) {
            assertEquals(List.of("People"), openapi.getList("paths." + operation + ".tags"), operation);
            assertFalse(openapi.getString("paths." + operation + ".summary").isEmpty(), operation);
        }
        for (String operation : List.of("'/api/auth/login'.post", "'/api/auth/logout'.post", "'/api/auth/me'.get",
                "'/api/auth/status'.get")) {
            assertEquals(List.of("Sign-in"), openapi.getList("paths." + operation + ".tags"), operation);
        }
        assertEquals("#/components/schemas/ValidationError",
                openapi.getString("paths.'/api/users'.post.responses.'400'.content.'application/json'.schema.$ref"));
        assertNull(openapi.get("paths.'/api/orgs/{org}/quotas'"), "the organisations' quotas are webhook-service's");
    }

    @Test
    void theOpenIdConnectRoutesNeedNoKey() {
        JsonPath openapi = description();
        for (String path : List.of("login", "callback", "error")) {
            String at = "paths.'/api/auth/oidc/" + path + "'.get";
            assertEquals(List.of("Sessions"), openapi.getList(at + ".tags"), path);
            // no requirement: the provider authenticates the browser, as the gateway's access policy says
            assertEquals(List.of(), openapi.getList(at + ".security"), path + ": " + openapi.getMap(at));
        }
    }
}
