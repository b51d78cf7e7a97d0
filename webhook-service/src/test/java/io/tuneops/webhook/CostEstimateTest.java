package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.tuneops.webhook.Caller.GENERIC_SECRET;
import static io.tuneops.webhook.Caller.signedNow;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

/** What a job will cost before it is submitted: priced hardware and estimates. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class CostEstimateTest {

    /** A hardware name of this test's own: no other test's completed jobs average into it. */
    private String rare;

    @BeforeEach
    void prices() {
        rare = "gpu-rare-" + System.nanoTime();
        Caller.admin().body(new JsonObject().put("webhook_secret", GENERIC_SECRET).put("cost_limit", (Object) null)
                .put("hardware_prices", new JsonObject().put("gpu-a100", 0.001).put("gpu-l40s", 0.000975).put(rare, 0.002))
                .encode()).put("/api/cloud/providers/generic").then().statusCode(200);
    }

    @Test
    void hardwareOptionsComeFromTheProvidersPricesCheapestFirst() {
        Caller.viewer().get("/api/cloud/hardware-options?provider=generic").then().statusCode(200)
                .body("hardware[0].id", equalTo("gpu-l40s")).body("hardware[0].name", equalTo("GPU L40S"))
                .body("hardware[0].cost_per_second", equalTo(0.000975f)).body("hardware[0].cost_per_hour", equalTo(3.51f))
                .body("hardware[0].available", equalTo(true)).body("hardware.id", hasItems("gpu-a100", rare))
                .body("default_hardware", equalTo("gpu-l40s")).body("message", containsString("hardware_prices"));
        Caller.viewer().get("/api/cloud/hardware-options?provider=nope").then().statusCode(400);
        RestAssured.get("/api/cloud/hardware-options").then().statusCode(401);
    }

    @Test
    void anEstimateIsPriceTimesTheMaximumRunTimeElseTheAverageOfCompletedJobs() {
        Caller.viewer().body("{\"provider\": \"generic\", \"hardware\": \"" + rare + "\", \"max_run_seconds\": 1800}")
                .post("/api/cloud/cost-estimate").then().statusCode(200).body("has_estimate", equalTo(true))
                .body("estimated_cost_usd", equalTo(3.6f)).body("avg_duration_seconds", equalTo(1800.0f))
                .body("hardware_cost_per_hour", equalTo(7.2f)).body("data_size_mb", nullValue())
                .body("message", containsString("max_run_seconds"));
        Caller.viewer().body("{\"provider\": \"generic\", \"hardware\": \"" + rare + "\"}").post("/api/cloud/cost-estimate")
                .then().statusCode(200).body("has_estimate", equalTo(false)).body("estimated_cost_usd", nullValue())
                .body("message", containsString("name max_run_seconds"));

        for (double seconds : new double[]{100, 300}) {
            String jobId = Caller.operator().body("{\"hardware\": \"" + rare + "\"}").post("/api/cloud/jobs/submit?provider=generic")
                    .then().statusCode(201).extract().path("job_id");
            signedNow(GENERIC_SECRET, "msg_est_" + jobId, "{\"id\":\"" + jobId + "\",\"status\":\"succeeded\","
                    + "\"metrics\":{\"predict_time\":" + seconds + "}}").post("/api/webhooks/generic").then().statusCode(200);
        }
        Caller.viewer().body("{\"provider\": \"generic\", \"hardware\": \"" + rare + "\"}").post("/api/cloud/cost-estimate")
                .then().statusCode(200).body("has_estimate", equalTo(true)).body("avg_duration_seconds", equalTo(200.0f))
                .body("estimated_cost_usd", equalTo(0.4f)).body("message", containsString("average"));
        // a submit without max_run_seconds is priced the same way
        Caller.operator().body("{\"hardware\": \"" + rare + "\"}").post("/api/cloud/jobs/submit?provider=generic")
                .then().statusCode(201).body("job.estimated_cost_usd", equalTo(0.4f));
    }

    @Test
    void theOriginalsArrayBodyPricesTheDefaultHardwareAndBadRequestsAreNamed() {
        Caller.viewer().body("[{\"id\": \"dataset\", \"type\": \"local\"}]").post("/api/cloud/cost-estimate").then()
                .statusCode(200).body("has_estimate", equalTo(false));
        Caller.viewer().body("{\"provider\": \"nope\", \"hardware\": 5, \"max_run_seconds\": -1, \"extra\": true}")
                .post("/api/cloud/cost-estimate").then().statusCode(400)
                .body("errors.field", hasItems("provider", "hardware", "max_run_seconds", "extra"));
        Caller.viewer().body("{\"provider\": \"generic\", \"hardware\": \"gpu-unpriced\", \"max_run_seconds\": 60}")
                .post("/api/cloud/cost-estimate").then().statusCode(200).body("has_estimate", equalTo(false))
                .body("message", containsString("no price for 'gpu-unpriced'"));
        Caller.viewer().body("not json").post("/api/cloud/cost-estimate").then().statusCode(400);
    }
}
