package io.tuneops.webhook;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Approval rules: their routes and validation, and each condition, priority and exemption as a
 * real submit meets them (held jobs answer 202 pending_approval). Every rule a test creates is
 * deleted after it, so other tests' submits are not held.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class ApprovalRulesTest {

    private static final Random RANDOM = new Random();

    @Inject
    Pool pool;

    @BeforeEach
    @AfterEach
    void noRules() {
        pool.query("DELETE FROM webhook.approval_rule").execute().await().indefinitely();
    }

    @AfterEach
    void noHeldJobs() {
        cancelPending();
    }

    /** Cancels every pending request, so no job this class held is left waiting for the tests after it. */
    static void cancelPending() {
        List<String> pending;
        do {
            pending = Caller.admin().get("/api/approvals/requests?status=pending&limit=200").then().statusCode(200)
                    .extract().jsonPath().getList("requests.id", String.class);
            pending.forEach(r -> Caller.admin().post("/api/approvals/requests/" + r + "/cancel").then().statusCode(200));
        } while (!pending.isEmpty());
    }

    @BeforeEach
    void prices() {
        price("apr-gpu", 0.01);
    }

    /** Adds a price to the generic provider's, keeping the ones other tests set. */
    static void price(String hardware, double perSecond) {
        JsonObject current = new JsonObject(Caller.admin().get("/api/cloud/providers/generic").then().statusCode(200)
                .extract().asString());
        JsonObject prices = current.getJsonObject("hardware_prices") == null ? new JsonObject()
                : current.getJsonObject("hardware_prices");
        Caller.admin().body(new JsonObject().put("hardware_prices", prices.put(hardware, perSecond))
                .put("cost_limit", (Object) null).encode()).put("/api/cloud/providers/generic").then().statusCode(200);
    }

    static String id(String prefix) {
        return prefix + "_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    }

    static JsonPath createRule(String body) {
        return Caller.admin().body(body).post("/api/approvals/rules").then().statusCode(201).extract().jsonPath();
    }

    /** A generic-provider submit; answers the job's status (pending_approval when held). */
    static JsonPath submit(RequestSpecification as, JsonObject body) {
        return as.body(body.encode()).post("/api/cloud/jobs/submit?provider=generic").then()
                .statusCode(org.hamcrest.Matchers.oneOf(201, 202)).extract().jsonPath();
    }

    static String status(RequestSpecification as, JsonObject body) {
        return submit(as, body).getString("status");
    }

    static RequestSpecification operator(String user) {
        return Caller.person(user, "operator", "org_apr");
    }

    @Test
    void rulesAreCreatedReadChangedAndDeleted() {
        JsonPath created = createRule("""
                {"name": "Big spend", "description": "over budget", "condition": "cost_exceeds", "threshold": 25.50,
                 "priority": 5, "applies_to_provider": "Replicate", "exempt_levels": ["admin", "lead"],
                 "required_approver_level": "lead"}""");
        String rule = created.getString("id");
        assertTrue(rule.startsWith("rule_"), rule);
        assertEquals("25.5", created.getString("threshold"));
        assertEquals("replicate", created.getString("applies_to_provider"));
        assertEquals(List.of("admin"), created.getList("exempt_levels"), "lead is admin, once");
        assertEquals("admin", created.getString("required_approver_level"));
        assertEquals(true, created.getBoolean("is_active"));
        assertEquals("key_test_admin", created.getString("created_by"));

        Caller.operator().get("/api/approvals/rules/" + rule).then().statusCode(200).body("name", equalTo("Big spend"));
        Caller.operator().get("/api/approvals/rules").then().statusCode(200).body("rules.id", hasItem(rule));
        Caller.admin().body("{\"priority\": 9, \"is_active\": false}").patch("/api/approvals/rules/" + rule).then()
                .statusCode(200).body("priority", equalTo(9)).body("is_active", equalTo(false))
                .body("threshold", equalTo("25.5")).body("description", equalTo("over budget"));
        Caller.operator().get("/api/approvals/rules?active_only=true").then().body("rules.id", not(hasItem(rule)));
        Caller.admin().body("{\"applies_to_provider\": null}").patch("/api/approvals/rules/" + rule).then()
                .statusCode(200).body("applies_to_provider", nullValue());

        Caller.admin().delete("/api/approvals/rules/" + rule).then().statusCode(200)
                .body("success", equalTo(true)).body("rule_id", equalTo(rule));
        Caller.operator().get("/api/approvals/rules/" + rule).then().statusCode(404)
                .body("detail", containsString(rule));
        Caller.admin().delete("/api/approvals/rules/" + rule).then().statusCode(404);
        Caller.admin().body("{\"priority\": 1}").patch("/api/approvals/rules/" + rule).then().statusCode(404);
    }

    @Test
    void readingRulesNeedsOperatorAndChangingThemAdmin() {
        String rule = createRule("{\"name\": \"r\", \"condition\": \"first_job\"}").getString("id");
        Caller.viewer().get("/api/approvals/rules").then().statusCode(403);
        Caller.operator().body("{\"name\": \"x\", \"condition\": \"first_job\"}").post("/api/approvals/rules")
                .then().statusCode(403);
        Caller.operator().body("{\"priority\": 3}").patch("/api/approvals/rules/" + rule).then().statusCode(403);
        Caller.operator().delete("/api/approvals/rules/" + rule).then().statusCode(403);
        Caller.viewer().get("/api/approvals/conditions").then().statusCode(403);
        io.restassured.RestAssured.given().get("/api/approvals/rules").then().statusCode(401);
    }

    @Test
    void conditionsAreListedWithTheirThresholds() {
        JsonPath conditions = Caller.operator().get("/api/approvals/conditions").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("cost_exceeds", "hardware_type", "provider", "user_level", "daily_jobs_exceed", "first_job",
                "config_pattern"), conditions.getList("conditions.value"));
        conditions.getList("conditions.description", String.class).forEach(d -> assertTrue(!d.isBlank()));
        assertTrue(conditions.getString("conditions[6].threshold").contains("regular expression"));
    }

    @Test
    void aWrongRuleNamesEveryWrongFieldAndChangesNothing() {
        String[][] cases = {
                {"{\"condition\": \"first_job\"}", "name", "is required"},
                {"{\"name\": \"x\", \"condition\": \"moon_phase\"}", "condition", "must be one of cost_exceeds"},
                {"{\"name\": \"x\"}", "condition", "is required"},
                {"{\"name\": \"x\", \"condition\": \"cost_exceeds\", \"threshold\": \"lots\"}", "threshold", "amount in US dollars"},
                {"{\"name\": \"x\", \"condition\": \"cost_exceeds\", \"threshold\": -1}", "threshold", "from 0"},
                {"{\"name\": \"x\", \"condition\": \"daily_jobs_exceed\", \"threshold\": \"2.5\"}", "threshold", "whole number"},
                {"{\"name\": \"x\", \"condition\": \"config_pattern\", \"threshold\": \"(unclosed\"}", "threshold", "not a valid RE2"},
                {"{\"name\": \"x\", \"condition\": \"config_pattern\", \"threshold\": \"(a)\\\\1\"}", "threshold", "not a valid RE2"},
                {"{\"name\": \"x\", \"condition\": \"config_pattern\", \"threshold\": \"\"}", "threshold", "1 to 1000"},
                {"{\"name\": \"x\", \"condition\": \"provider\", \"threshold\": \"modal\"}", "threshold", "replicate, generic"},
                {"{\"name\": \"x\", \"condition\": \"hardware_type\", \"threshold\": \" , \"}", "threshold", "hardware ids"},
                {"{\"name\": \"x\", \"condition\": \"user_level\", \"threshold\": \"intern\"}", "threshold", "a role"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"exempt_levels\": [\"boss\"]}", "exempt_levels", "a role"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"required_approver_level\": 3}", "required_approver_level", "a role"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"applies_to_provider\": \"modal\"}", "applies_to_provider", "replicate"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"priority\": 1.5}", "priority", "whole number"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"is_active\": \"yes\"}", "is_active", "true or false"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"approver\": \"admin\"}", "approver", "unknown field"},
                {"{\"name\": \"   \", \"condition\": \"first_job\"}", "name", "must not be blank"}};
        for (String[] c : cases) {
            Caller.admin().body(c[0]).post("/api/approvals/rules").then().log().ifValidationFails().statusCode(400)
                    .body("detail", equalTo("Invalid approval rule"))
                    .body("errors.find { it.field == '" + c[1] + "' }.message", containsString(c[2]));
        }
        Caller.admin().body("[]").post("/api/approvals/rules").then().statusCode(400);
        String rule = createRule("{\"name\": \"ok\", \"condition\": \"config_pattern\", \"threshold\": \"secret\"}").getString("id");
        Caller.admin().body("{\"threshold\": \"(\"}").patch("/api/approvals/rules/" + rule).then().statusCode(400)
                .body("errors[0].field", equalTo("threshold"));
        Caller.admin().body("{\"condition\": \"daily_jobs_exceed\"}").patch("/api/approvals/rules/" + rule).then()
                .statusCode(400).body("errors[0].message", containsString("whole number"));
        Caller.operator().get("/api/approvals/rules/" + rule).then().body("threshold", equalTo("secret"))
                .body("condition", equalTo("config_pattern"));
        Caller.operator().get("/api/approvals/rules").then().body("rules", hasSize(1));
    }

    @Test
    void controlCharactersInARuleAreRefusedNamingTheField() {
        String[][] cases = {
                {"{\"name\": \"a\\u0000b\", \"condition\": \"first_job\"}", "name"},
                {"{\"name\": \"two\\nlines\", \"condition\": \"first_job\"}", "name"},
                {"{\"name\": \"x\", \"description\": \"nul \\u0000 here\", \"condition\": \"first_job\"}", "description"},
                {"{\"name\": \"x\", \"description\": \"bell \\u0007\", \"condition\": \"first_job\"}", "description"},
                {"{\"name\": \"x\", \"condition\": \"config_pattern\", \"threshold\": \"sec\\u0000ret\"}", "threshold"},
                {"{\"name\": \"x\", \"condition\": \"first_job\", \"threshold\": \"\\u0000\"}", "threshold"}};
        for (String[] c : cases) {
            Caller.admin().body(c[0]).post("/api/approvals/rules").then().log().ifValidationFails().statusCode(400)
                    .body("detail", equalTo("Invalid approval rule"))
                    .body("errors.find { it.field == '" + c[1] + "' }.message", containsString("control characters"));
        }
        Caller.operator().get("/api/approvals/rules").then().body("rules", hasSize(0));
        // a description may run over lines and hold tabs
        String rule = createRule("{\"name\": \"ok\", \"description\": \"one\\n\\ttwo\", \"condition\": \"first_job\"}")
                .getString("id");
        Caller.admin().body("{\"name\": \"\\u0000\"}").patch("/api/approvals/rules/" + rule).then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        Caller.operator().get("/api/approvals/rules/" + rule).then().body("name", equalTo("ok"))
                .body("description", equalTo("one\n\ttwo"));
    }

    @Test
    void concurrentSubmitsOfOnePersonCountEachOtherAgainstADailyLimit() throws Exception {
        createRule("{\"name\": \"busy\", \"condition\": \"daily_jobs_exceed\", \"threshold\": 5}");
        String user = id("usr");
        for (int i = 0; i < 3; i++) {
            assertEquals("pending", status(operator(user), new JsonObject()));
        }
        // jobs 4 and 5 of the day pass; 6 to 13 exceed 5, however the ten submits interleave
        int submits = 10;
        ExecutorService threads = Executors.newFixedThreadPool(submits);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < submits; i++) {
                RequestSpecification as = operator(user).body("{}");
                answers.add(threads.submit(() -> {
                    start.await();
                    return as.post("/api/cloud/jobs/submit?provider=generic").statusCode();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertEquals(List.of(201, 201, 202, 202, 202, 202, 202, 202, 202, 202), statuses.stream().sorted().toList());
        } finally {
            threads.shutdownNow();
        }
        long held = pool.preparedQuery("SELECT count(*) FROM webhook.job WHERE user_id = $1 AND status = 'pending_approval'")
                .execute(Tuple.of(user)).await().indefinitely().iterator().next().getLong(0);
        assertEquals(8, held);
    }

    @Test
    void aDeletedJobStillCountsForTheRules() {
        createRule("{\"name\": \"busy\", \"condition\": \"daily_jobs_exceed\", \"threshold\": 1}");
        String user = id("usr");
        String first = submit(operator(user), new JsonObject()).getString("job_id");
        operator(user).post("/api/cloud/jobs/" + first + "/cancel").then().statusCode(200);
        Caller.operator().delete("/api/cloud/jobs/" + first).then().statusCode(200);
        assertEquals("pending_approval", status(operator(user), new JsonObject()), "the deleted job was the first of the day");
    }

    @Test
    void costExceedsHoldsWhatCostsMoreOrCannotBePriced() {
        createRule("{\"name\": \"spend\", \"condition\": \"cost_exceeds\", \"threshold\": \"5\", \"required_approver_level\": \"operator\"}");
        String user = id("usr");
        // $0.01 a second: 600 s is $6, 60 s is $0.60
        JsonPath held = submit(operator(user), new JsonObject().put("hardware", "apr-gpu").put("max_run_seconds", 600));
        assertEquals("pending_approval", held.getString("status"));
        assertTrue(held.getString("approval_request_id").startsWith("apr_"));
        Caller.operator().get("/api/approvals/requests/" + held.getString("approval_request_id")).then().statusCode(200)
                .body("reason", equalTo("Rule 'spend': estimated cost $6 exceeds $5"))
                .body("estimated_cost", equalTo(6.0f)).body("hardware_type", equalTo("apr-gpu"))
                .body("required_approver_level", equalTo("operator")).body("user_id", equalTo(user))
                .body("status", equalTo("pending")).body("provider", equalTo("generic"));
        assertEquals("pending", status(operator(user), new JsonObject().put("hardware", "apr-gpu").put("max_run_seconds", 60)));
        JsonPath unpriced = submit(operator(user), new JsonObject().put("hardware", "apr-unpriced"));
        assertEquals("pending_approval", unpriced.getString("status"), "a cost nobody can bound is not under the limit");
    }

    @Test
    void hardwareProviderAndLevelConditions() {
        String hw = createRule("{\"name\": \"hw\", \"condition\": \"hardware_type\", \"threshold\": \"apr-h100, APR-B200\"}").getString("id");
        String user = id("usr");
        assertEquals("pending_approval", status(operator(user), new JsonObject().put("hardware", "apr-b200")));
        assertEquals("pending", status(operator(user), new JsonObject().put("hardware", "apr-gpu")));
        Caller.admin().delete("/api/approvals/rules/" + hw).then().statusCode(200);

        String provider = createRule("{\"name\": \"p\", \"condition\": \"provider\", \"threshold\": \"generic\"}").getString("id");
        assertEquals("pending_approval", status(operator(user), new JsonObject()));
        Caller.admin().body("{\"threshold\": \"replicate\"}").patch("/api/approvals/rules/" + provider).then().statusCode(200);
        assertEquals("pending", status(operator(user), new JsonObject()));
        Caller.admin().delete("/api/approvals/rules/" + provider).then().statusCode(200);

        createRule("{\"name\": \"juniors\", \"condition\": \"user_level\", \"threshold\": \"admin\"}");
        assertEquals("pending_approval", status(operator(user), new JsonObject()), "an operator is below admin");
        assertEquals("pending", status(Caller.person(id("usr"), "admin", "org_apr"), new JsonObject()));
    }

    @Test
    void dailyJobsAndFirstJobCountThePersonsJobs() {
        String daily = createRule("{\"name\": \"busy\", \"condition\": \"daily_jobs_exceed\", \"threshold\": 2}").getString("id");
        String user = id("usr");
        assertEquals("pending", status(operator(user), new JsonObject()));
        assertEquals("pending", status(operator(user), new JsonObject()));
        assertEquals("pending_approval", status(operator(user), new JsonObject()), "the third job today exceeds 2");
        assertEquals("pending", status(operator(id("usr")), new JsonObject()), "another person counts their own");
        Caller.admin().delete("/api/approvals/rules/" + daily).then().statusCode(200);

        createRule("{\"name\": \"newcomer\", \"condition\": \"first_job\", \"threshold\": \"\"}");
        String newcomer = id("usr");
        JsonPath first = submit(operator(newcomer), new JsonObject());
        assertEquals("pending_approval", first.getString("status"));
        Caller.operator().get("/api/approvals/requests/" + first.getString("approval_request_id")).then()
                .body("reason", equalTo("Rule 'newcomer': first job of name-" + newcomer));
        assertEquals("pending", status(operator(newcomer), new JsonObject()), "a held job is a job already");
        assertEquals("pending", status(operator(user), new JsonObject()));
    }

    @Test
    void configPatternsSearchTheNameAndTheInputInLinearTime() {
        createRule("{\"name\": \"secrets\", \"condition\": \"config_pattern\", \"threshold\": \"(?i)secret-[0-9]+\"}");
        String user = id("usr");
        assertEquals("pending_approval", status(operator(user), new JsonObject().put("name", "run SECRET-42")));
        assertEquals("pending_approval", status(operator(user),
                new JsonObject().put("name", "plain").put("input", new JsonObject().put("prompt", "a secret-7 here"))));
        assertEquals("pending", status(operator(user), new JsonObject().put("name", "plain secret")));

        // catastrophic for a backtracking engine; RE2 answers in linear time
        createRule("{\"name\": \"nested\", \"condition\": \"config_pattern\", \"threshold\": \"^(a+)+$\"}");
        String attack = "a".repeat(50_000) + "!";
        long start = System.nanoTime();
        assertEquals("pending", status(operator(user), new JsonObject().put("name", "plain")
                .put("input", new JsonObject().put("prompt", attack))));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "submit took " + millis + " ms");
    }

    @Test
    void theHighestPriorityRuleThatConcernsTheSubmitterDecides() {
        String low = createRule("{\"name\": \"low\", \"condition\": \"provider\", \"threshold\": \"generic\", \"priority\": 1, "
                + "\"required_approver_level\": \"operator\"}").getString("id");
        String high = createRule("{\"name\": \"high\", \"condition\": \"provider\", \"threshold\": \"generic\", \"priority\": 10, "
                + "\"exempt_levels\": [\"viewer\"], \"required_approver_level\": \"admin\"}").getString("id");
        createRule("{\"name\": \"off\", \"condition\": \"provider\", \"threshold\": \"generic\", \"priority\": 100, "
                + "\"is_active\": false, \"required_approver_level\": \"viewer\"}");
        createRule("{\"name\": \"elsewhere\", \"condition\": \"provider\", \"threshold\": \"generic\", \"priority\": 90, "
                + "\"applies_to_provider\": \"replicate\", \"required_approver_level\": \"viewer\"}");
        createRule("{\"name\": \"admins only\", \"condition\": \"provider\", \"threshold\": \"generic\", \"priority\": 80, "
                + "\"applies_to_level\": \"admin\", \"required_approver_level\": \"viewer\"}");
        String user = id("usr");
        String request = submit(operator(user), new JsonObject()).getString("approval_request_id");
        Caller.operator().get("/api/approvals/requests/" + request).then().body("rule_id", equalTo(high))
                .body("required_approver_level", equalTo("admin")).body("reason", startsWith("Rule 'high'"));

        Caller.admin().body("{\"exempt_levels\": [\"operator\"]}").patch("/api/approvals/rules/" + high).then().statusCode(200);
        request = submit(operator(user), new JsonObject()).getString("approval_request_id");
        Caller.operator().get("/api/approvals/requests/" + request).then().body("rule_id", equalTo(low))
                .body("required_approver_level", equalTo("operator"));

        Caller.admin().body("{\"exempt_levels\": [\"operator\"]}").patch("/api/approvals/rules/" + low).then().statusCode(200);
        assertEquals("pending", status(operator(user), new JsonObject()), "exempt from every rule that concerns them");
        request = submit(Caller.person(id("usr"), "admin", "org_apr"), new JsonObject()).getString("approval_request_id");
        Caller.operator().get("/api/approvals/requests/" + request).then().body("reason", startsWith("Rule 'admins only'"));
    }
}
