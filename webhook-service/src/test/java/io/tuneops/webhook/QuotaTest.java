package io.tuneops.webhook;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quotas through webhook-service's routes: types, scopes, actions, the tightest quota, budgets and access. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class QuotaTest {

    private static final Random RANDOM = new Random();

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    private final List<String> created = new ArrayList<>();
    private String user;
    private String team;
    private String org;

    @BeforeEach
    void freshPeople() {
        user = id("usr");
        team = id("team");
        org = id("org");
        Caller.admin().body(new JsonObject().put("webhook_secret", Caller.GENERIC_SECRET).put("cost_limit", (Object) null)
                .put("hardware_prices", new JsonObject().put("gpu-a100", 0.001)).encode())
                .put("/api/cloud/providers/generic").then().statusCode(200);
    }

    @AfterEach
    void deleteQuotas() {
        created.forEach(id -> Caller.admin().delete("/api/quotas/" + id));
    }

    static String id(String prefix) {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    private String quota(String path, JsonObject body) {
        String id = Caller.admin().body(body.encode()).post(path).then().statusCode(201).extract().path("id");
        created.add(id);
        return id;
    }

    private String quota(String type, Object limit, String action, String scopeField, String scopeId) {
        JsonObject body = new JsonObject().put("quota_type", type).put("limit_value", limit).put("action", action);
        if (scopeField != null) {
            body.put(scopeField, scopeId);
        }
        return quota("/api/quotas", body);
    }

    private RequestSpecification me() {
        return Caller.person(user, "operator", org, team);
    }

    private Response submit(RequestSpecification as, String body) {
        return as.body(body).post("/api/cloud/jobs/submit?provider=generic");
    }

    private Response submit(RequestSpecification as) {
        return submit(as, "{\"name\": \"quota test\", \"hardware\": \"gpu-a100\"}");
    }

    private void cancel(String jobId) {
        Caller.operator().post("/api/cloud/jobs/" + jobId + "/cancel").then().statusCode(200);
    }

    @Test
    void typesAndMeAreNotShadowedByAQuotaId() {
        Caller.viewer().get("/api/quotas/types").then().statusCode(200)
                .body("types.id", hasItems("concurrent_jobs", "jobs_per_hour", "jobs_per_day", "cost_daily", "cost_monthly"))
                .body("types", hasSize(5)).body("types[3].unit", equalTo("USD"))
                .body("actions", equalTo(List.of("warn", "require_approval", "block")))
                .body("scopes", equalTo(List.of("global", "org", "team", "user")));
        me().get("/api/quotas/me").then().statusCode(200).body("user_id", equalTo(user)).body("can_submit", equalTo(true));
        me().get("/api/quotas/status").then().statusCode(200).body("user_id", equalTo(user));
        Caller.viewer().get("/api/quotas/quota_nope").then().statusCode(404).body("detail", containsString("quota_nope"));
    }

    @Test
    void onlyAdminsChangeQuotasAndEveryChangeIsReadBack() {
        JsonObject body = new JsonObject().put("quota_type", "jobs_per_day").put("limit_value", 10).put("user_id", user);
        Caller.operator().body(body.encode()).post("/api/quotas").then().statusCode(403);
        Caller.viewer().body(body.encode()).post("/api/orgs/" + org + "/quotas").then().statusCode(403);
        RestAssured.given().contentType("application/json").body(body.encode()).post("/api/quotas").then().statusCode(401);
        String id = quota("/api/quotas", body);
        Caller.viewer().get("/api/quotas/" + id).then().statusCode(200).body("quota_type", equalTo("jobs_per_day"))
                .body("limit_value", equalTo(10.0f)).body("action", equalTo("block")).body("scope", equalTo("user"))
                .body("user_id", equalTo(user)).body("created_by", equalTo("key_test_admin"));
        Caller.viewer().get("/api/quotas").then().statusCode(200).body("quotas.id", hasItems(id));
        Caller.operator().delete("/api/quotas/" + id).then().statusCode(403);
        Caller.admin().delete("/api/quotas/" + id).then().statusCode(200);
        Caller.admin().delete("/api/quotas/" + id).then().statusCode(404);
        List<JsonObject> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> new JsonObject(m.payload().get("event"))).filter(e -> id.equals(e.getString("target_id"))).toList();
        assertEquals(List.of("quota.created", "quota.deleted"), events.stream().map(e -> e.getString("type")).toList());
        assertEquals("key_test_admin", events.get(1).getString("actor"));
        assertEquals(user, events.get(0).getJsonObject("details").getString("user_id"));
        assertEquals("jobs_per_day", events.get(0).getJsonObject("details").getString("quota_type"));
    }

    @Test
    void organisationAndTeamRoutesScopeTheirQuotas() {
        String orgQuota = quota("/api/orgs/" + org + "/quotas", new JsonObject().put("quota_type", "concurrent_jobs").put("limit_value", 4));
        String teamQuota = quota("/api/orgs/" + org + "/teams/" + team + "/quotas",
                new JsonObject().put("quota_type", "cost_monthly").put("limit_value", 12.5).put("action", "warn"));
        Caller.viewer().get("/api/orgs/" + org + "/quotas").then().statusCode(200).body("quotas.id", equalTo(List.of(orgQuota)))
                .body("quotas[0].scope", equalTo("org")).body("quotas[0].org_id", equalTo(org));
        Caller.viewer().get("/api/orgs/" + org + "/teams/" + team + "/quotas").then().statusCode(200)
                .body("quotas.id", equalTo(List.of(teamQuota))).body("quotas[0].scope", equalTo("team"))
                .body("quotas[0].team_id", equalTo(team)).body("quotas[0].limit_value", equalTo(12.5f));
        Caller.admin().body("{\"quota_type\": \"concurrent_jobs\", \"limit_value\": 1, \"user_id\": \"usr_x\"}")
                .post("/api/orgs/" + org + "/quotas").then().statusCode(400).body("errors.field", hasItems("user_id"));
    }

    @Test
    void badQuotasAreRefusedNamingEachField() {
        Caller.admin().body("{\"quota_type\": \"gpus\", \"limit_value\": 0, \"action\": \"explode\", \"user_id\": \"u\", "
                        + "\"team_id\": \"t\", \"colour\": 1}").post("/api/quotas").then().statusCode(400)
                .body("detail", equalTo("Invalid quota"))
                .body("errors.field", hasItems("quota_type", "limit_value", "action", "user_id", "colour"));
        Caller.admin().body("{\"quota_type\": \"concurrent_jobs\", \"limit_value\": 2.5}").post("/api/quotas").then()
                .statusCode(400).body("errors[0].message", containsString("whole number"));
        Caller.admin().body("{\"quota_type\": \"cost_daily\", \"limit_value\": 1e12}").post("/api/quotas").then().statusCode(400);
    }

    @Test
    void aUserQuotaBlocksTheJobBeyondItAndAFinishedJobReleasesItsReservation() {
        quota("concurrent_jobs", 2, "block", "user_id", user);
        String first = submit(me()).then().statusCode(201).body("quota_warnings", hasSize(0)).extract().path("job_id");
        submit(me()).then().statusCode(201).body("quota_warnings", equalTo(List.of("concurrent_jobs quota for user:" + user
                + " nearly reached: this job makes 2 of 2 (" + created.get(0) + ", action block)")));
        submit(me()).then().statusCode(403)
                .body("detail", containsString("concurrent_jobs quota for user:" + user + " exceeded"))
                .body("detail", containsString("action block"));
        // someone else is not counted against this user's quota
        submit(Caller.person(id("usr"), "operator", org, team)).then().statusCode(201);
        me().get("/api/quotas/me").then().body("can_submit", equalTo(false))
                .body("statuses[0].quota_type", equalTo("concurrent_jobs")).body("statuses[0].current", equalTo(2.0f))
                .body("statuses[0].is_exceeded", equalTo(true)).body("statuses[0].source", equalTo("user:" + user))
                .body("blocking_reasons", hasSize(1));
        cancel(first);
        submit(me()).then().statusCode(201);
    }

    @Test
    void theJobRecordsWhoSubmittedItForWhichTeam() {
        String otherTeam = id("team");
        JsonPath job = submit(Caller.person(user, "operator", org, team, otherTeam),
                "{\"hardware\": \"gpu-a100\", \"team_id\": \"" + otherTeam + "\", \"max_run_seconds\": 100}")
                .then().statusCode(201).extract().jsonPath();
        assertEquals(user, job.getString("job.user_id"));
        assertEquals("name-" + user, job.getString("job.username"));
        assertEquals(otherTeam, job.getString("job.team_id"));
        assertEquals(org, job.getString("job.org_id"));
        assertEquals(0.1, job.getDouble("job.estimated_cost_usd"), 1e-9);
        Caller.viewer().get("/api/cloud/jobs/" + job.getString("job_id")).then().body("user_id", equalTo(user))
                .body("team_id", equalTo(otherTeam)).body("estimated_cost_usd", equalTo(0.1f));
        // without team_id: the caller's first team
        submit(me()).then().statusCode(201).body("job.team_id", equalTo(team));
        submit(me(), "{\"team_id\": \"team_not_mine\"}").then().statusCode(403)
                .body("detail", containsString("not one of your teams"));
        submit(Caller.operator(), "{\"team_id\": \"" + team + "\"}").then().statusCode(403);
        submit(me(), "{\"team_id\": 7, \"max_run_seconds\": 0}").then().statusCode(400)
                .body("errors.field", hasItems("team_id", "max_run_seconds"));
    }

    @Test
    void everyApplicableScopeIsCheckedAndTheStrictestExceededActionWins() {
        // the user's own limit is tighter but only warns; the team's looser one blocks
        quota("concurrent_jobs", 1, "warn", "user_id", user);
        quota("/api/orgs/" + org + "/teams/" + team + "/quotas", new JsonObject().put("quota_type", "concurrent_jobs")
                .put("limit_value", 3));
        List<String> firstWarnings = submit(me()).then().statusCode(201).extract().jsonPath().getList("quota_warnings");
        assertEquals(1, firstWarnings.size(), firstWarnings.toString());
        assertTrue(firstWarnings.get(0).contains("nearly reached"), firstWarnings.toString());
        List<String> warnings = submit(me()).then().statusCode(201).extract().jsonPath().getList("quota_warnings");
        assertTrue(warnings.get(0).startsWith("concurrent_jobs quota for user:" + user + " exceeded"), warnings.toString());
        submit(me()).then().statusCode(201);
        // a teammate's job counts for the team
        submit(Caller.person(id("usr"), "operator", org, team)).then().statusCode(403)
                .body("detail", containsString("for team:" + team + " exceeded"));
        me().get("/api/quotas/me").then().body("statuses[0].source", equalTo("user:" + user))
                .body("statuses[0].action", equalTo("warn")).body("can_submit", equalTo(false))
                .body("blocking_reasons[0]", containsString("team:" + team));
    }

    @Test
    void anOrganisationQuotaCountsEveryoneInIt() {
        quota("/api/orgs/" + org + "/quotas", new JsonObject().put("quota_type", "jobs_per_hour").put("limit_value", 1));
        submit(Caller.person(id("usr"), "operator", org)).then().statusCode(201);
        submit(Caller.person(id("usr"), "operator", org)).then().statusCode(403)
                .body("detail", containsString("jobs_per_hour quota for org:" + org));
        submit(Caller.person(id("usr"), "operator", id("org"))).then().statusCode(201);
    }

    @Test
    void jobsInAWindowCountEvenWhenFinished() {
        quota("jobs_per_day", 2, "block", "user_id", user);
        cancel(submit(me()).then().statusCode(201).extract().path("job_id"));
        cancel(submit(me()).then().statusCode(201).extract().path("job_id"));
        submit(me()).then().statusCode(403).body("detail", containsString("jobs_per_day"));
    }

    @Test
    void aGlobalQuotaAppliesToKeysWithoutAUserToo() {
        long active = pool.query("SELECT count(*) FROM webhook.job WHERE status IN ('pending_approval', 'pending', 'queued', 'running')")
                .execute().await().indefinitely().iterator().next().getLong(0);
        quota("concurrent_jobs", active + 1, "block", null, null);
        String job = submit(Caller.operator()).then().statusCode(201).extract().path("job_id");
        submit(Caller.operator()).then().statusCode(403).body("detail", containsString("for global exceeded"));
        cancel(job);
    }

    @Test
    void aBudgetChecksTheProjectedSpendNotOnlyWhatWasSpent() {
        // $0.001 a second: 600 s is $0.60
        quota("cost_daily", 1, "block", "user_id", user);
        String first = submit(me(), "{\"hardware\": \"gpu-a100\", \"max_run_seconds\": 600}").then().statusCode(201)
                .body("quota_warnings", hasSize(0)).extract().path("job_id");
        // nothing has been spent yet, but $0.60 is committed: another $0.60 would go over $1
        submit(me(), "{\"hardware\": \"gpu-a100\", \"max_run_seconds\": 600}").then().statusCode(403)
                .body("detail", containsString("cost_daily quota for user:" + user + " exceeded: $0.60 projected plus $0.60"));
        submit(me(), "{\"hardware\": \"gpu-a100\", \"max_run_seconds\": 300}").then().statusCode(201)
                .body("quota_warnings[0]", containsString("nearly reached"));
        Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=0.5").then().statusCode(200)
                .body("can_submit", equalTo(false)).body("blocking_reasons[0]", containsString("cost_daily"));
        Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=0.05").then().statusCode(200)
                .body("can_submit", equalTo(true)).body("warnings", hasSize(1));
        Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=-1").then().statusCode(400);
        // a cancelled job that never ran costs nothing: its estimate is released
        cancel(first);
        submit(me(), "{\"hardware\": \"gpu-a100\", \"max_run_seconds\": 600}").then().statusCode(201);
    }

    @Test
    void aUsersStatusByIdIsForAdmins() {
        Caller.person(id("usr"), "operator", org).get("/api/quotas/user/" + user).then().statusCode(403);
        // a user reads their own at /me
        me().get("/api/quotas/user/" + user).then().statusCode(403);
        me().get("/api/quotas/me").then().statusCode(200).body("user_id", equalTo(user));
        quota("/api/orgs/" + org + "/quotas", new JsonObject().put("quota_type", "concurrent_jobs").put("limit_value", 5));
        submit(me()).then().statusCode(201);
        // measured under the organisation of their latest job
        Caller.admin().get("/api/quotas/user/" + user).then().statusCode(200).body("statuses[0].source", equalTo("org:" + org))
                .body("statuses[0].current", equalTo(1.0f));
    }

    @Test
    void theOriginalClientsAnswersAreKept() {
        // its CLI reads the created quota under "quota", and json-parses the answer to a deletion
        JsonPath created = Caller.admin().body(new JsonObject().put("quota_type", "jobs_per_day").put("limit_value", 3)
                .put("user_id", user).encode()).post("/api/quotas").then().statusCode(201).extract().jsonPath();
        String id = created.getString("id");
        assertEquals(id, created.getString("quota.id"));
        assertEquals("jobs_per_day", created.getString("quota_type"));
        assertEquals("jobs_per_day", created.getString("quota.quota_type"));
        assertEquals(user, created.getString("quota.user_id"));
        Caller.admin().delete("/api/quotas/" + id).then().statusCode(200).contentType("application/json")
                .body("success", equalTo(true)).body("quota_id", equalTo(id));
        Caller.viewer().get("/api/quotas/" + id).then().statusCode(404);
        // its ids were integers: a number is refused, saying what an id looks like
        Caller.admin().body("{\"quota_type\": \"jobs_per_day\", \"limit_value\": 3, \"user_id\": 42}").post("/api/quotas")
                .then().statusCode(400).body("errors[0].field", equalTo("user_id"))
                .body("errors[0].message", containsString("ids are strings such as usr_"));
        Caller.admin().body("{\"quota_type\": \"jobs_per_day\", \"limit_value\": 3, \"team_id\": 7}").post("/api/quotas")
                .then().statusCode(400).body("errors[0].field", equalTo("team_id"))
                .body("errors[0].message", containsString("team_"));
    }

    @Test
    void theLiteralRoutesAnswerAWrongMethodWith405NotAsAQuotaId() {
        Caller.viewer().get("/api/quotas/cost-estimate").then().statusCode(405).header("Allow", "POST")
                .body("detail", containsString("POST"));
        Caller.admin().delete("/api/quotas/cost-estimate").then().statusCode(405).header("Allow", "POST");
        Caller.admin().delete("/api/quotas/types").then().statusCode(405).header("Allow", "GET");
        Caller.admin().delete("/api/quotas/me").then().statusCode(405).header("Allow", "GET");
        Caller.admin().delete("/api/quotas/status").then().statusCode(405).header("Allow", "GET");
        // the routes themselves still answer
        Caller.viewer().post("/api/quotas/cost-estimate?estimated_cost=1").then().statusCode(200);
        Caller.viewer().get("/api/quotas/types").then().statusCode(200);
    }

    @Test
    void aCostEstimateBeyondWhatABudgetHoldsIsRefused() {
        // refused before any budget is looked at: the first of them used to be answered as Infinity
        for (String amount : List.of("1e999999999", "1E+9", "100000000", "99999999.9999999", "1e-30", "-1", "1e-999999999", "abc", "")) {
            Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=" + amount).then()
                    .statusCode(400).body("detail", equalTo("Invalid estimated_cost")).body("errors[0].field", equalTo("estimated_cost"))
                    .body("errors[0].message", containsString("99999999.999999"));
        }
        // the largest amount a budget holds is answered, with its figures written out
        quota("cost_daily", 5, "block", "user_id", user);
        Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=99999999.999999").then()
                .statusCode(200).body("can_submit", equalTo(false))
                .body("blocking_reasons[0]", containsString("$100000000.00 for this job"));
        Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=1.5000000").then().statusCode(200)
                .body("can_submit", equalTo(true)).body("estimated_cost", equalTo(1.5f));
        // a client's floating-point product (0.0014 x 7200 x 1.1) is an amount: rounded to a budget's six decimals
        Caller.person(user, "viewer", org, team).post("/api/quotas/cost-estimate?estimated_cost=11.088000000000001").then()
                .statusCode(200).body("estimated_cost", equalTo(11.088f));
    }

    @Test
    void organisationAndTeamRoutesTakeIdsNotSlugs() {
        JsonObject body = new JsonObject().put("quota_type", "concurrent_jobs").put("limit_value", 4);
        Caller.admin().body(body.encode()).post("/api/orgs/acme-labs/quotas").then().statusCode(400)
                .body("errors[0].field", equalTo("org_id"))
                .body("errors[0].message", containsString("'acme-labs' is not an organisation id (org_...)"))
                .body("errors[0].message", containsString("not a slug"));
        Caller.admin().body(body.encode()).post("/api/orgs/" + org + "/teams/ml/quotas").then().statusCode(400)
                .body("errors.field", equalTo(List.of("team_id")));
        Caller.admin().body(body.encode()).post("/api/orgs/acme-labs/teams/ml/quotas").then().statusCode(400)
                .body("errors.field", equalTo(List.of("org_id", "team_id")));
        Caller.viewer().get("/api/orgs/acme-labs/quotas").then().statusCode(400).body("errors[0].field", equalTo("org_id"));
        Caller.viewer().get("/api/orgs/" + org + "/teams/ml/quotas").then().statusCode(400);
        // the body's ids too: a slug or a name would bind no one
        Caller.admin().body(body.copy().put("org_id", "acme-labs").encode()).post("/api/quotas").then().statusCode(400)
                .body("errors[0].field", equalTo("org_id"));
        Caller.admin().body(body.copy().put("user_id", "alice").encode()).post("/api/quotas").then().statusCode(400)
                .body("errors[0].field", equalTo("user_id")).body("errors[0].message", containsString("(usr_...)"));
        long stored = pool.query("SELECT count(*) FROM webhook.quota WHERE org_id = 'acme-labs' OR team_id = 'ml' "
                + "OR user_id = 'alice'").execute().await().indefinitely().iterator().next().getLong(0);
        assertEquals(0, stored, "nothing stored under a slug or a name");
        // the ids are taken
        quota("/api/orgs/" + org + "/teams/" + team + "/quotas", body);
    }

    @Test
    void deletingAFinishedJobGivesBackNeitherItsPlaceInAWindowNorItsCost() {
        quota("jobs_per_hour", 2, "block", "user_id", user);
        String first = submit(me()).then().statusCode(201).extract().path("job_id");
        submit(me()).then().statusCode(201);
        cancel(first);
        Caller.operator().delete("/api/cloud/jobs/" + first).then().statusCode(200);
        // deleted as far as anyone can see
        Caller.viewer().get("/api/cloud/jobs/" + first).then().statusCode(404);
        Caller.operator().delete("/api/cloud/jobs/" + first).then().statusCode(404);
        Caller.operator().post("/api/cloud/jobs/" + first + "/cancel").then().statusCode(404);
        Caller.viewer().get("/api/cloud/jobs?status=cancelled&limit=500").then().statusCode(200)
                .body("jobs.job_id", not(hasItem(first)));
        // but still one of the hour's two jobs
        submit(me()).then().statusCode(403).body("detail", containsString("jobs_per_hour quota for user:" + user));
        me().get("/api/quotas/me").then().body("statuses[0].current", equalTo(2.0f));
        // what removing it did otherwise still holds: its idempotency key is free for a new job
        RequestSpecification other = Caller.person(id("usr"), "operator", org, team);
        String key = "deleted-key-" + System.nanoTime();
        String keyed = submit(other, "{\"idempotency_key\": \"" + key + "\"}").then().statusCode(201).extract().path("job_id");
        cancel(keyed);
        Caller.operator().delete("/api/cloud/jobs/" + keyed).then().statusCode(200);
        assertNotEquals(keyed, submit(other, "{\"idempotency_key\": \"" + key + "\"}").then().statusCode(201)
                .extract().path("job_id"));
    }

    @Test
    void deletingAFinishedJobDoesNotResetABudgetOrTheProvidersCostLimit() {
        // $0.001 a second; the provider's limit is far away, only its share used is read
        Caller.admin().body("{\"cost_limit\": {\"amount\": 1000, \"period\": \"daily\", \"action\": \"warn\"}}")
                .put("/api/cloud/providers/generic").then().statusCode(200);
        quota("cost_daily", 1, "block", "user_id", user);
        String done = submit(me(), "{\"hardware\": \"gpu-a100\", \"max_run_seconds\": 600}").then().statusCode(201)
                .extract().path("job_id");
        Caller.signedNow(Caller.GENERIC_SECRET, "msg_" + done + "_done", "{\"id\":\"" + done
                + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":700}}").post("/api/webhooks/generic")
                .then().statusCode(200).body("job_status", equalTo("completed"));
        Caller.viewer().get("/api/cloud/jobs/" + done).then().body("cost_usd", equalTo(0.7f));
        double limitUsed = Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath()
                .getDouble("providers.generic.cost_limit_percent_used");
        Caller.operator().delete("/api/cloud/jobs/" + done).then().statusCode(200);
        // $0.70 spent today stays spent: another $0.60 would go over $1
        submit(me(), "{\"hardware\": \"gpu-a100\", \"max_run_seconds\": 600}").then().statusCode(403)
                .body("detail", containsString("cost_daily quota for user:" + user + " exceeded: $0.70 projected plus $0.60"));
        assertEquals(limitUsed, Caller.admin().get("/internal/jobs/figures").then().statusCode(200).extract().jsonPath()
                .getDouble("providers.generic.cost_limit_percent_used"), 1e-9);
        // a late report about the deleted job changes nothing, as for a job that never existed
        Caller.signedNow(Caller.GENERIC_SECRET, "msg_" + done + "_late", "{\"id\":\"" + done
                + "\",\"status\":\"succeeded\",\"metrics\":{\"predict_time\":9000}}").post("/api/webhooks/generic")
                .then().statusCode(202);
    }

    @Test
    void concurrentSubmitsNeverGoBeyondTheLimit() throws Exception {
        quota("concurrent_jobs", 5, "block", "user_id", user);
        assertEquals(List.of(5, 19), concurrentSubmits(24, 201, 403));
        me().get("/api/quotas/me").then().body("statuses[0].current", equalTo(5.0f));
    }

    @Test
    void concurrentSubmitsBeyondAnApprovalQuotaAreAllHeld() throws Exception {
        quota("concurrent_jobs", 5, "require_approval", "user_id", user);
        assertEquals(List.of(5, 15), concurrentSubmits(20, 201, 202));
        long held = pool.preparedQuery("SELECT count(*) FROM webhook.job WHERE user_id = $1 AND status = 'pending_approval'")
                .execute(Tuple.of(user)).await().indefinitely().iterator().next().getLong(0);
        assertEquals(15, held);
    }

    /** How many of {@code submits} simultaneous submits were answered {@code first} and {@code second}; any other answer fails. */
    private List<Integer> concurrentSubmits(int submits, int first, int second) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(submits);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> replies = new ArrayList<>();
        try {
            for (int i = 0; i < submits; i++) {
                Callable<Integer> call = () -> {
                    start.await();
                    return submit(me()).statusCode();
                };
                replies.add(threads.submit(call));
            }
            start.countDown();
            int firsts = 0;
            int seconds = 0;
            for (Future<Integer> reply : replies) {
                int status = reply.get();
                if (status == first) {
                    firsts++;
                } else {
                    assertEquals(second, status);
                    seconds++;
                }
            }
            return List.of(firsts, seconds);
        } finally {
            threads.shutdownNow();
        }
    }
}
