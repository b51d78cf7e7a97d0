package io.tuneops.metrics;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The export configuration is guarded in metrics-service itself, with the gateway's rules (reads
 * and previews viewer, changes admin), so a caller reaching the service's port directly neither
 * reads nor changes it; health and the Prometheus export stay open as the gateway serves them.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeServicesResource.class, scope = TestResourceScope.GLOBAL)
class MetricsAccessTest extends MetricsTestSupport {

    private static final String ENABLE = "{\"prometheus_enabled\": true}";

    private record Call(String method, String path, String body) {
        int status(RequestSpecification spec) {
            if (body != null) {
                spec = spec.contentType("application/json").body(body);
            }
            return spec.request(method, path).statusCode();
        }
    }

    private static final List<Call> READS = List.of(
            new Call("GET", "/api/cloud/metrics/config", null),
            new Call("GET", "/api/cloud/metrics/config/categories", null),
            new Call("GET", "/api/cloud/metrics/config/templates", null),
            new Call("GET", "/api/cloud/metrics/config/preview?categories=jobs", null),
            new Call("POST", "/api/cloud/metrics/config/preview", "[\"jobs\"]"),
            // the original implementation's paths, under the same rules
            new Call("GET", "/api/metrics/config", null),
            new Call("GET", "/api/metrics/config/categories", null),
            new Call("GET", "/api/metrics/config/templates", null),
            new Call("GET", "/api/metrics/config/preview?categories=jobs", null),
            new Call("POST", "/api/metrics/config/preview", "[\"jobs\"]"));
    private static final List<Call> WRITES = List.of(
            new Call("PUT", "/api/cloud/metrics/config", ENABLE),
            new Call("POST", "/api/cloud/metrics/config/templates/full", null),
            new Call("POST", "/api/cloud/metrics/config/apply-template/full", null),
            new Call("PUT", "/api/metrics/config", ENABLE),
            new Call("POST", "/api/metrics/config/templates/full", null),
            new Call("POST", "/api/metrics/config/apply-template/full", null));

    @Test
    void withoutTheInternalSecretEveryConfigurationRouteIs401EvenWithForgedIdentityHeaders() {
        List<Function<RequestSpecification, RequestSpecification>> callers = List.of(
                spec -> spec,
                spec -> spec.header("X-Tuneops-Actor", "bootstrap-admin").header("X-Tuneops-Scopes", "admin"),
                spec -> spec.header("X-Tuneops-Gateway-Secret", "wrong-secret")
                        .header("X-Tuneops-Actor", "bootstrap-admin").header("X-Tuneops-Scopes", "admin"),
                // the gateway's word for an anonymous caller is not an identity
                spec -> spec.header("X-Tuneops-Gateway-Secret", FakeServicesResource.INTERNAL_SECRET));
        for (var caller : callers) {
            for (Call call : concat(READS, WRITES)) {
                RequestSpecification spec = caller.apply(RestAssured.given());
                assertEquals(401, call.status(spec), call.toString());
            }
        }
        RestAssured.given().contentType("application/json").body(ENABLE).put("/api/cloud/metrics/config").then()
                .statusCode(401).contentType(containsString("application/json"))
                .body("detail", equalTo("Authentication required: call through the gateway with an API key"));
        assertExportStillDisabled();
    }

    @Test
    void viewersReadAndPreviewButDoNotConfigure() {
        for (Call call : READS) {
            assertEquals(200, call.status(asViewer()), call.toString());
        }
        for (String scopes : List.of("viewer", "operator", "operator,viewer")) {
            for (Call call : WRITES) {
                assertEquals(403, call.status(as("key:" + scopes, scopes)), call.toString());
            }
        }
        asViewer().contentType("application/json").body(ENABLE).put("/api/cloud/metrics/config").then()
                .statusCode(403).body("detail", equalTo("This API key lacks the 'admin' scope"));
        assertExportStillDisabled();
    }

    @Test
    void vouchedAdminsConfigure() {
        for (Call call : concat(READS, WRITES)) {
            assertEquals(200, call.status(asAdmin()), call.toString());
        }
        asViewer().get("/api/cloud/metrics/config").then().statusCode(200).body("prometheus_enabled", equalTo(true));
    }

    @Test
    void otherSpellingsOfTheRouteAreNoWayAround() {
        for (String path : List.of("/api/cloud/metrics//config", "//api/cloud/metrics/config", "/api/cloud/metrics/config/",
                "/api/cloud/metrics/./config", "/api/cloud/metrics/x/../config", "/api/cloud/%6detrics/config",
                "/API/cloud/metrics/config", "/api/cloud/metrics/config%2F")) {
            RestAssured.given().urlEncodingEnabled(false).contentType("application/json").body(ENABLE)
                    .header("X-Tuneops-Actor", "bootstrap-admin").header("X-Tuneops-Scopes", "admin")
                    .put(path).then().statusCode(greaterThanOrEqualTo(400));
        }
        assertExportStillDisabled();
    }

    @Test
    void healthAndThePrometheusExportStayOpenAsTheGatewayForwardsThem() {
        RestAssured.get("/api/cloud/health/live").then().statusCode(200);
        RestAssured.get("/api/cloud/health").then().statusCode(200);
        RestAssured.get("/api/cloud/metrics/prometheus").then().statusCode(200);
        // anonymous or monitoring-token scrapes come with the gateway's secret and no actor
        RestAssured.given().header("X-Tuneops-Gateway-Secret", FakeServicesResource.INTERNAL_SECRET)
                .get("/api/cloud/metrics/prometheus").then().statusCode(200);
        RestAssured.given().header("X-Tuneops-Gateway-Secret", FakeServicesResource.INTERNAL_SECRET)
                .get("/api/cloud/health/ready").then().statusCode(200);
        RestAssured.get("/api/metrics/health").then().statusCode(200);
        RestAssured.get("/api/metrics/health/ready").then().statusCode(200);
        RestAssured.get("/api/metrics/prometheus").then().statusCode(200);
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    private void assertExportStillDisabled() {
        var row = pool.query("SELECT prometheus_enabled FROM metrics.export_config").execute().await().indefinitely()
                .iterator().next();
        assertFalse(row.getBoolean(0), "the export configuration changed");
    }

    private static List<Call> concat(List<Call> a, List<Call> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
