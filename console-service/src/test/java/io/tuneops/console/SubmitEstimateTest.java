package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.console.Browser.Scope;
import io.tuneops.console.FakeOwners.Recorded;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The submit form's cost estimate before submitting, and what the answer says afterwards: quota
 * warnings, and a job held for approval. Also: the owners learn which person (and team) submitted.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class SubmitEstimateTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    @Test
    void theFormOffersThePricedHardwareAndAsksForTheEstimateWhenTheChoiceChanges() {
        Document page = Browser.html(Browser.as(Scope.OPERATOR).get("/submit").then().statusCode(200).extract().asString());
        assertEquals("H100, $7.20 per hour", page.select("#submit-hardware-options option[value=gpu-h100]").text());
        assertEquals("submit-hardware-options", page.getElementById("submit-hardware").attr("list"));
        assertNotNull(page.getElementById("estimate-none"));
        assertTrue(owners.requests("POST", "/api/cloud/cost-estimate").isEmpty(), "no hardware: nothing to price");
        assertEquals("/submit/estimate", page.getElementById("estimate").attr("hx-get"));
        assertTrue(page.getElementById("estimate").attr("hx-trigger").contains("change from:#submit-max-run-seconds"));
        assertEquals("#submit-provider, #submit-hardware, #submit-max-run-seconds", page.getElementById("estimate").attr("hx-include"));
        assertEquals("Maximum run time (seconds)", page.select("label[for=submit-max-run-seconds]").text());
    }

    @Test
    void changingTheProviderBringsItsHardwareSuggestionsWithTheEstimate() {
        Document page = Browser.html(Browser.as(Scope.OPERATOR).get("/submit").asString());
        Document answer = Browser.html(Browser.as(Scope.OPERATOR).get("/submit/estimate?provider=generic").then().statusCode(200)
                .extract().asString());
        // what htmx swaps in: the part the page names in hx-select
        Element swapped = answer.selectFirst(page.getElementById("estimate").attr("hx-select"));
        assertNotNull(swapped);
        assertEquals(List.of("cpu-8"), swapped.select("#submit-hardware-options option").eachAttr("value"));
        assertEquals("provider=generic", owners.last("GET", "/api/cloud/hardware-options").query());
        Element replicate = Browser.html(Browser.as(Scope.OPERATOR).get("/submit/estimate?provider=replicate").asString())
                .selectFirst("#estimate");
        assertEquals(List.of("gpu-h100"), replicate.select("#submit-hardware-options option").eachAttr("value"));
    }

    @Test
    void theEstimatePricesTheMaximumRunTimeOrTheAverageRun() {
        Document bounded = Browser.html(Browser.as(Scope.OPERATOR).header("HX-Request", "true")
                .get("/submit/estimate?provider=replicate&hardware=gpu-h100&max_run_seconds=3600").then().statusCode(200)
                .extract().asString());
        assertEquals(new JsonObject().put("provider", "replicate").put("hardware", "gpu-h100").put("max_run_seconds", 3600),
                owners.lastBody("POST", "/api/cloud/cost-estimate"));
        assertEquals("About $7.20 for at most 1 h 0 min at $7.20 per hour.", bounded.getElementById("estimate-cost").text());
        Document average = Browser.html(Browser.as(Scope.OPERATOR).get("/submit/estimate?provider=replicate&hardware=gpu-h100")
                .asString());
        assertEquals("About $3.60 for an average run of 30 min 0 s at $7.20 per hour.", average.getElementById("estimate-cost").text());
        Document unpriced = Browser.html(Browser.as(Scope.OPERATOR).get("/submit/estimate?provider=generic&hardware=cpu").asString());
        assertEquals("No price for cpu", unpriced.getElementById("estimate-none").text());
        owners.hang("POST", "/api/cloud/cost-estimate");
        Document down = Browser.html(Browser.as(Scope.OPERATOR).get("/submit/estimate?hardware=gpu-h100").asString());
        assertTrue(down.getElementById("estimate-error").text().startsWith("No estimate: webhook-service is unavailable"));
        Browser.as(Scope.VIEWER).get("/submit/estimate?hardware=gpu-h100").then().statusCode(403);
    }

    @Test
    void aJobHeldForApprovalSaysSoWithItsRequestAndQuotaWarnings() {
        owners.script("POST", "/api/cloud/jobs/submit", 201, new JsonObject().put("job_id", "job_held9")
                .put("status", "pending_approval").put("provider", "replicate").putNull("provider_job_id")
                .putNull("upload_credentials").put("cost_limit_warning", "Daily cost limit nearly reached")
                .put("quota_warnings", new JsonArray().add("cost_daily: $45 of $50 (team:team_ml)"))
                .put("approval_request_id", "apr_9").put("job", FakeOwners.job("job_held9", "pending_approval", "replicate"))
                .encode());
        Document page = Browser.html(Browser.form(Scope.OPERATOR).formParam("provider", "replicate").formParam("version", "o/m:v")
                .formParam("destination", "o/out").formParam("hardware", "gpu-h100").formParam("max_run_seconds", "600")
                .formParam("idempotency_key", "idem-h").post("/submit").then().statusCode(200).extract().asString());
        assertEquals(600, owners.lastBody("POST", "/api/cloud/jobs/submit").getInteger("max_run_seconds"));
        assertEquals("Job waiting for approval", page.select("h1").text());
        assertEquals("apr_9", page.getElementById("submitted-approval-request").text());
        assertTrue(page.getElementById("submitted-pending-approval").text().contains("only once it is approved"));
        assertEquals("cost_daily: $45 of $50 (team:team_ml)", page.select("#submitted-quota-warnings li").text());
        assertEquals("Daily cost limit nearly reached", page.getElementById("submitted-cost-warning").text());
        assertNull(page.getElementById("upload-credentials"), "none while it waits");
    }

    @Test
    void aMaximumRunTimeThatIsNotANumberIsRefusedBeforeAskingTheOwner() {
        Document page = Browser.html(Browser.form(Scope.OPERATOR).formParam("provider", "generic").formParam("max_run_seconds", "soon")
                .post("/submit").asString());
        assertEquals("must be a whole number of seconds above 0", page.getElementById("submit-max-run-seconds-error").text());
        assertEquals("soon", page.getElementById("submit-max-run-seconds").attr("value"));
        assertTrue(owners.requests("POST", "/api/cloud/jobs/submit").isEmpty());
    }

    @Test
    void theOwnersLearnWhichPersonAndTeamsActAndTheGatewayGetsNoneOfIt() {
        Browser.form(Scope.OPERATOR).header("X-Tuneops-User", "usr_bob").header("X-Tuneops-Username", "bob")
                .header("X-Tuneops-Org", "org_acme").header("X-Tuneops-Teams", "team_a,team_b")
                .formParam("provider", "generic").formParam("idempotency_key", "idem-p").post("/submit").then().statusCode(200);
        Recorded submit = owners.last("POST", "/api/cloud/jobs/submit");
        assertEquals("usr_bob", submit.headers().get("X-Tuneops-User"));
        assertEquals("bob", submit.headers().get("X-Tuneops-Username"));
        assertEquals("org_acme", submit.headers().get("X-Tuneops-Org"));
        assertEquals("team_a,team_b", submit.headers().get("X-Tuneops-Teams"));
        Browser.as(Scope.ADMIN).get("/keys").then().statusCode(200);
        assertNull(owners.last("GET", "/api/auth/api-keys").headers().get("X-Tuneops-User"), "the gateway reads its own session");
        Browser.as(Scope.OPERATOR).get("/jobs").then().statusCode(200);
        assertNull(owners.last("GET", "/api/cloud/jobs").headers().get("X-Tuneops-User"), "a key of no user names none");
    }
}
