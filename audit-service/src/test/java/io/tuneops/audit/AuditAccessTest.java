package io.tuneops.audit;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * The audit trail is admin-only in the service itself, not only at the gateway: a caller that
 * reaches audit-service's port directly gets nothing without the gateway's word for an admin key.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class AuditAccessTest {

    private static final List<String> ROUTES = List.of("/api/audit", "/api/audit/stats", "/api/audit/verify",
            "/api/audit/types");

    @Test
    void withoutTheInternalSecretEveryAuditRouteIs401EvenWithForgedIdentityHeaders() {
        for (String route : ROUTES) {
            RestAssured.get(route).then().statusCode(401)
                    .contentType(containsString("application/json"))
                    .body("detail", equalTo("Authentication required: call through the gateway with an API key"));
            RestAssured.given().header("X-Tuneops-Actor", "bootstrap-admin").header("X-Tuneops-Scopes", "admin")
                    .get(route).then().statusCode(401);
            RestAssured.given().header("X-Tuneops-Gateway-Secret", "wrong-secret")
                    .header("X-Tuneops-Actor", "bootstrap-admin").header("X-Tuneops-Scopes", "admin")
                    .get(route).then().statusCode(401);
        }
    }

    @Test
    void theGatewaysWordWithoutAnActorIsStillAnonymous() {
        RestAssured.given().header("X-Tuneops-Gateway-Secret", Caller.GATEWAY_SECRET)
                .get("/api/audit").then().statusCode(401);
    }

    @Test
    void viewersAndOperatorsAre403() {
        for (String scopes : List.of("viewer", "operator", "operator,viewer", "")) {
            for (String route : ROUTES) {
                Caller.as("key_test_" + scopes, scopes).get(route).then().statusCode(403)
                        .body("detail", equalTo("This API key lacks the 'admin' scope"));
            }
        }
    }

    @Test
    void vouchedAdminsRead() {
        for (String route : ROUTES) {
            Caller.admin().get(route).then().statusCode(200);
        }
        // the gateway forwards every scope of the key, nested or not
        Caller.as("key_test_multi", "viewer, admin").get("/api/audit/stats").then().statusCode(200);
    }

    @Test
    void otherSpellingsOfTheRouteAreNoWayAround() {
        for (String path : List.of("/api//audit", "//api/audit", "/api/audit/", "/api/audit/../audit",
                "/api/./audit/stats", "/api/%61udit", "/api/audit%2Fstats", "/API/audit")) {
            RestAssured.given().urlEncodingEnabled(false).get(path).then()
                    .statusCode(greaterThanOrEqualTo(400))
                    .body(not(containsString("entries")));
        }
    }

    @Test
    void probesMetricsAndTheInternalRouteKeepTheirOwnRules() {
        RestAssured.get("/q/health/live").then().statusCode(200);
        RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200);
        RestAssured.get("/internal/audit/figures").then().statusCode(403);
        RestAssured.given().header("X-Tuneops-Gateway-Secret", Caller.GATEWAY_SECRET)
                .get("/internal/audit/figures").then().statusCode(200);
    }
}
