package io.tuneops.metrics;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = FakeServicesResource.class, scope = TestResourceScope.GLOBAL)
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
    void notReadySaysWhatIsDownInTheOriginalsDetail() {
        FakeServicesResource.STATUS.put("audit", 503);
        FakeServicesResource.STATUS.put("gateway", 503);
        RestAssured.get("/api/cloud/health/ready").then().statusCode(503)
                .body("detail", equalTo("Not ready: gateway-service, audit-service down"));
        FakeServicesResource.STATUS.replaceAll((service, status) -> 200);
        RestAssured.get("/api/cloud/health/ready").then().statusCode(200).body("detail", nullValue());
    }

    @Test
    void theOriginalsMetricsHealthPathsAnswerTheSame() {
        RestAssured.get("/api/metrics/health/live").then().statusCode(200).body("status", equalTo("ok"));
        RestAssured.get("/api/metrics/health/ready").then().statusCode(200).body("status", equalTo("ready"))
                .body("components.'webhook-service'", equalTo("up"));
        RestAssured.get("/api/metrics/health").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("version", notNullValue())
                .body("components.name", equalTo(List.of("database", "redis", "secrets", "gateway-service",
                        "webhook-service", "storage-service", "audit-service")));
        FakeServicesResource.STATUS.put("storage", 503);
        RestAssured.get("/api/metrics/health").then().statusCode(200).body("status", equalTo("degraded"));
        RestAssured.get("/api/metrics/health/ready").then().statusCode(503)
                .body("detail", equalTo("Not ready: storage-service down"));
    }

    @Test
    void includeReplicateAddsTheOriginalsReplicateApiComponent() {
        FakeServicesResource.FIGURES.put(FakeServicesResource.PROVIDER_HEALTH, """
                {"providers": [{"name": "replicate", "status": "healthy", "latency_ms": 80.5, "message": "account me reachable"},
                               {"name": "generic", "status": "healthy", "latency_ms": null, "message": "jobs report themselves"}]}""");
        try {
            for (String path : List.of("/api/cloud/health", "/api/metrics/health")) {
                RestAssured.get(path + "?include_replicate=true").then().statusCode(200)
                        .body("status", equalTo("healthy"))
                        .body("components.find { it.name == 'replicate_api' }.status", equalTo("healthy"))
                        .body("components.find { it.name == 'replicate_api' }.latency_ms", equalTo(80.5f))
                        .body("components.find { it.name == 'provider:generic' }", nullValue());
            }
            RestAssured.get("/api/cloud/health?include_replicate=false").then().statusCode(200)
                    .body("components.find { it.name == 'replicate_api' }", nullValue());
        } finally {
            FakeServicesResource.FIGURES.remove(FakeServicesResource.PROVIDER_HEALTH);
        }
    }

    @Test
    void aProviderWithoutATokenIsDegradedAndLeavesTheSuiteHealthy() {
        FakeServicesResource.FIGURES.put(FakeServicesResource.PROVIDER_HEALTH, """
                {"providers": [{"name": "replicate", "status": "unconfigured", "latency_ms": null, "message": "no API token configured"},
                               {"name": "generic", "status": "healthy", "latency_ms": null, "message": "jobs report themselves"}]}""");
        try {
            RestAssured.get("/api/cloud/health?include_providers=true&include_replicate=true").then().statusCode(200)
                    .body("status", equalTo("healthy"))
                    .body("components.find { it.name == 'provider:replicate' }.status", equalTo("degraded"))
                    .body("components.find { it.name == 'provider:replicate' }.message", equalTo("no API token configured"))
                    .body("components.find { it.name == 'replicate_api' }.status", equalTo("degraded"))
                    .body("components.status", everyItem(org.hamcrest.Matchers.in(List.of("healthy", "degraded", "unhealthy"))));
        } finally {
            FakeServicesResource.FIGURES.remove(FakeServicesResource.PROVIDER_HEALTH);
        }
    }

    @Test
    void aFlagThatIsNotABooleanIsA400NotFalse() {
        for (String query : List.of("include_providers=ture", "include_providers=", "include_replicate=2",
                "include_replicate=maybe")) {
            String name = query.substring(0, query.indexOf('='));
            for (String path : List.of("/api/cloud/health?", "/api/metrics/health?")) {
                RestAssured.given().urlEncodingEnabled(false).get(path + query).then().statusCode(400)
                        .contentType(org.hamcrest.Matchers.containsString("application/json"))
                        .body("detail", equalTo(name + " must be true or false"));
            }
        }
        // the spellings the original (FastAPI) accepted
        for (String value : List.of("true", "TRUE", "1", "yes", "on", "false", "0", "no", "off", "f", "n")) {
            RestAssured.get("/api/cloud/health?include_providers=" + value + "&include_replicate=" + value)
                    .then().statusCode(200);
        }
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

    @Test
    void fullCheckIsTheGuidesShapeWithLatencies() {
        var body = RestAssured.get("/api/cloud/health").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("version", notNullValue())
                .body("uptime_seconds", greaterThan(0f))
                .body("timestamp", matchesPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z"))
                .body("components.name", equalTo(List.of("database", "redis", "secrets", "gateway-service",
                        "webhook-service", "storage-service", "audit-service")))
                .body("components.status", everyItem(equalTo("healthy")))
                .body("components.find { it.name == 'database' }.message", equalTo("PostgreSQL accessible"))
                .body("components.find { it.name == 'secrets' }.latency_ms", nullValue())
                .extract().jsonPath();
        for (String timed : List.of("database", "redis", "audit-service")) {
            float latency = body.getFloat("components.find { it.name == '" + timed + "' }.latency_ms");
            assertTrue(latency > 0 && latency < 1000, timed + " latency " + latency);
        }
    }

    @Test
    void aServiceDownDegradesTheSuiteWithA200() {
        FakeServicesResource.STATUS.put("webhook", 503);
        RestAssured.get("/api/cloud/health").then().statusCode(200)
                .body("status", equalTo("degraded"))
                .body("components.find { it.name == 'webhook-service' }.status", equalTo("unhealthy"))
                .body("components.find { it.name == 'webhook-service' }.message", equalTo("readiness answered HTTP 503"))
                .body("components.find { it.name == 'database' }.status", equalTo("healthy"));
    }

    @Test
    void aHangingServiceIsReportedAfterTheProbeTimeout() {
        FakeServicesResource.STATUS.put("gateway", 0);
        RestAssured.get("/api/cloud/health?include_providers=true").then().statusCode(200)
                .body("status", equalTo("degraded"))
                .body("components.find { it.name == 'gateway-service' }.message", equalTo("not reachable: no answer within 1000 ms"))
                .body("components.find { it.name == 'providers' }.status", equalTo("degraded"));
    }

    @Test
    void providerChecksComeFromWebhookServiceAndAFailingProviderDegradesTheResult() {
        FakeServicesResource.FIGURES.put(FakeServicesResource.PROVIDER_HEALTH, """
                {"providers": [{"name": "replicate", "status": "unhealthy", "latency_ms": 12.5, "message": "Replicate answered HTTP 401"},
                               {"name": "generic", "status": "healthy", "latency_ms": null, "message": "jobs report themselves"}]}""");
        try {
            RestAssured.get("/api/cloud/health?include_providers=true").then().statusCode(200)
                    .body("status", equalTo("degraded"))
                    .body("components.find { it.name == 'provider:replicate' }.status", equalTo("unhealthy"))
                    .body("components.find { it.name == 'provider:replicate' }.latency_ms", equalTo(12.5f))
                    .body("components.find { it.name == 'provider:generic' }.status", equalTo("healthy"));
            RestAssured.get("/api/cloud/health").then().statusCode(200)
                    .body("components.find { it.name == 'provider:replicate' }", org.hamcrest.Matchers.nullValue());
        } finally {
            FakeServicesResource.FIGURES.remove(FakeServicesResource.PROVIDER_HEALTH);
        }
    }
}
