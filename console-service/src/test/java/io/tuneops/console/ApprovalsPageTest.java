package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.console.Browser.Scope;
import io.vertx.core.json.JsonObject;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The approvals queue: pending requests, one decision with notes, bulk decisions, the rules. */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class ApprovalsPageTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    @Test
    void thePendingRequestsAreListedWithTheirDecisionsAndTheRules() {
        Document page = Browser.html(Browser.as(Scope.OPERATOR).get("/approvals").then().statusCode(200).extract().asString());
        assertEquals("status=pending&limit=200", owners.requests("GET", "/api/approvals/requests").get(0).query());
        assertEquals("2 pending requests.", page.getElementById("approvals-pending-count").text());
        assertTrue(page.getElementById("request-apr_1").text().contains("$4.50"));
        assertEquals("/jobs/job_held1", page.getElementById("request-job-apr_1").attr("href"));
        assertEquals("/approvals/apr_1/decide", page.getElementById("decide-apr_1").attr("action"));
        assertEquals("bulk-form", page.getElementById("select-apr_2").attr("form"));
        assertTrue(page.getElementById("rule-rule_cost").text().contains("cost_exceeds"));
        assertEquals("pending", page.select("#approvals-status option[selected]").attr("value"));
        Browser.as(Scope.VIEWER).get("/approvals").then().statusCode(403);
    }

    @Test
    void aRequestIsApprovedWithNotesAndTheQueueSaysSo() {
        Browser.form(Scope.ADMIN).formParam("verdict", "approve").formParam("notes", " looks fine ")
                .post("/approvals/apr_1/decide").then().statusCode(303)
                .header("Location", "/approvals?decided=apr_1&verdict=approve");
        assertEquals(new JsonObject().put("notes", "looks fine"), owners.lastBody("POST", "/api/approvals/requests/apr_1/approve"));
        assertEquals("approved", owners.gates.requests.get("apr_1").getString("status"));
        assertEquals("key_admin", owners.requests("POST", "/api/approvals/requests/apr_1/approve").get(0).headers()
                .get("X-Tuneops-Actor"), "the owner knows who decided");
        Document after = Browser.html(Browser.as(Scope.ADMIN).get("/approvals?decided=apr_1&verdict=approve").asString());
        assertEquals("Request apr_1 was approved.", after.getElementById("approvals-notice").text());
        assertNull(after.getElementById("request-apr_1"), "no longer pending");
    }

    @Test
    void aRejectionSendsItsNotesAsTheReasonAndARefusalIsShownInWords() {
        Browser.form(Scope.OPERATOR).formParam("verdict", "reject").formParam("notes", "too big")
                .post("/approvals/apr_2/decide").then().statusCode(303);
        assertEquals(new JsonObject().put("notes", "too big").put("reason", "too big"),
                owners.lastBody("POST", "/api/approvals/requests/apr_2/reject"));
        Document again = Browser.html(Browser.form(Scope.OPERATOR).formParam("verdict", "approve")
                .post("/approvals/apr_2/decide").then().statusCode(200).extract().asString());
        assertEquals("Request apr_2 not approved: Request apr_2 is already rejected",
                again.getElementById("approvals-action-error").text());
        Document nonsense = Browser.html(Browser.form(Scope.OPERATOR).formParam("verdict", "maybe")
                .post("/approvals/apr_1/decide").asString());
        assertEquals("Not decided: choose approve or reject.", nonsense.getElementById("approvals-action-error").text());
        assertTrue(owners.requests("POST", "/api/approvals/requests/apr_1/approve").isEmpty());
    }

    @Test
    void tickedRequestsAreDecidedInBulkAndEachFailureIsNamed() {
        owners.gates.requests.get("apr_2").put("status", "cancelled");
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("verdict", "approve").formParam("notes", "batch")
                .formParam("request_ids", "apr_1").formParam("request_ids", "apr_2").post("/approvals/bulk")
                .then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("request_ids", List.of("apr_1", "apr_2")).put("notes", "batch"),
                owners.lastBody("POST", "/api/approvals/requests/bulk-approve"));
        assertEquals("1 of 2 requests approved.", page.getElementById("approvals-notice").text());
        assertEquals("Not decided: apr_2 (not pending).", page.getElementById("approvals-action-error").text());

        Document none = Browser.html(Browser.form(Scope.ADMIN).formParam("verdict", "reject").post("/approvals/bulk").asString());
        assertEquals("Nothing decided: tick between 1 and 100 requests.", none.getElementById("approvals-action-error").text());
        assertTrue(owners.requests("POST", "/api/approvals/requests/bulk-reject").isEmpty());
    }

    @Test
    void anOwnerThatDoesNotAnswerLeavesThePageUpWithItsWords() {
        owners.hang("GET", "/api/approvals/requests");
        Document page = Browser.html(Browser.as(Scope.OPERATOR).get("/approvals").then().statusCode(200).extract().asString());
        assertTrue(page.getElementById("approvals-error").text().startsWith("webhook-service is unavailable"));
        assertNotNull(page.getElementById("rule-rule_cost"), "the rules still show");
    }
}
