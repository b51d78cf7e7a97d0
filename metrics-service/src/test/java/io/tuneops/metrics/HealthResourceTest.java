package io.tuneops.metrics;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(EmbeddedServersTestResource.class)
@QuarkusTestResource(FakeServicesResource.class)
class HealthResourceTest {

    @AfterEach
    void allReady() {
        FakeServicesResource.STATUS.replaceAll((service, status) -> 200);
    }

    @Test
    void liveIsTheGuidesShape() {
        RestAssured.get("/api/cloud/health/live").then().statusCode(200).body("status", equalTo("ok"));
    }

    @Test
    void readyWhenDatabaseRedisAndEveryServiceAre() {
        RestAssured.get("/api/cloud/health/ready").then().statusCode(200)
                .body("status", equalTo("ready"))
                .body("components.database", equalTo("up"))
                .body("components.redis", equalTo("up"))
                .body("components.'gateway-service'", equalTo("up"))
                .body("components.'audit-service'", equalTo("up"));
    }

    @Test
    void aServiceThatIsNotReadyMakesTheSuiteNotReady() {
        FakeServicesResource.STATUS.put("audit", 503);
        RestAssured.get("/api/cloud/health/ready").then().statusCode(503)
                .body("status", equalTo("not_ready"))
                .body("components.'audit-service'", equalTo("down"))
                .body("components.'webhook-service'", equalTo("up"));
    }

    @Test
    void aServiceThatHangsCountsAsNotReadyAfterTheProbeTimeout() {
        FakeServicesResource.STATUS.put("storage", 0);
        long start = System.nanoTime();
        RestAssured.get("/api/cloud/health/ready").then().statusCode(503)
                .body("components.'storage-service'", equalTo("down"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 4_000, "readiness took " + millis + " ms with a 1 s probe timeout");
    }
}
