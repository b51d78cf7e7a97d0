package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * What console-service shares with every service: probes (ready without PostgreSQL or Redis, which
 * it does not use), Prometheus metrics, correlation ids, and its (empty) API description.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class ConsoleFoundationTest {

    @Test
    void probesAnswerWithoutADatabaseOrRedis() {
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        RestAssured.get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsArePrometheusText() {
        RestAssured.given().accept("text/plain; version=0.0.4").get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    void correlationIdsAreKeptOrMade() {
        RestAssured.given().header("X-Correlation-ID", "abc-123").get("/sign-in").then().header("X-Correlation-ID", "abc-123");
        RestAssured.get("/sign-in").then().header("X-Correlation-ID", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void itsApiDescriptionHasNoPagesInIt() {
        RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("info.title", equalTo("tuneops console-service"))
                .body("paths.size()", equalTo(0));
    }
}
