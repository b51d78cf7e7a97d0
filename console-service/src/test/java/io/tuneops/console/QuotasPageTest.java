package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.console.Browser.Scope;
import io.vertx.core.json.JsonObject;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quotas: the visitor's usage and the scope that decided it, the list, and an admin's create and delete. */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class QuotasPageTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    @Test
    void everyoneSeesTheirUsagePerScopeAndTheQuotas() {
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/quotas").then().statusCode(200).extract().asString());
        String usage = page.getElementById("usage-concurrent_jobs").text();
        assertTrue(usage.contains("3") && usage.contains("100%") && usage.contains("team:team_ml"), usage);
        assertEquals("usage-exceeded", page.getElementById("usage-concurrent_jobs").className());
        assertTrue(page.getElementById("usage-blocked").text().contains("concurrent_jobs: 3 of 3"));
        assertTrue(page.getElementById("quota-quota_1").text().contains("team_ml"));
        assertNull(page.getElementById("quota-create-form"), "a viewer does not create quotas");
        assertNull(page.getElementById("delete-quota_1"));
        assertNotNull(page.getElementById("quotas-read-only"));
    }

    @Test
    void anAdminCreatesATeamQuota() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("quota_type", "cost_daily").formParam("limit_value", "50")
                .formParam("action", "require_approval").formParam("scope", "team").formParam("target", " team_ml ")
                .post("/quotas").then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("quota_type", "cost_daily").put("limit_value", 50.0).put("action", "require_approval")
                .put("team_id", "team_ml"), owners.lastBody("POST", "/api/quotas"));
        assertEquals("Quota quota_new was created.", page.getElementById("quotas-notice").text());
        assertNotNull(page.getElementById("quota-quota_new"));
    }

    @Test
    void aWrongQuotaIsRefusedNextToItsFieldsAndKeepsWhatWasTyped() {
        Document local = Browser.html(Browser.form(Scope.ADMIN).formParam("quota_type", "cost_daily").formParam("limit_value", "-1")
                .formParam("action", "block").formParam("scope", "org").post("/quotas").asString());
        assertEquals("must be a number above 0", local.getElementById("quota-limit-error").text());
        assertEquals("name the org by its id", local.getElementById("quota-target-error").text());
        assertEquals("org", local.select("#quota-scope option[selected]").attr("value"));
        assertTrue(owners.requests("POST", "/api/quotas").isEmpty(), "refused before asking the owner");

        Document refused = Browser.html(Browser.form(Scope.ADMIN).formParam("quota_type", "concurrent_jobs")
                .formParam("limit_value", "2").formParam("action", "block").formParam("scope", "team").formParam("target", "team_x")
                .post("/quotas").asString());
        assertEquals("no such team", refused.getElementById("quota-target-error").text(), "team_id is the target field");
        assertEquals("team_x", refused.getElementById("quota-target").attr("value"));
        assertEquals("Invalid quota", refused.getElementById("quota-create-error").text());
    }

    @Test
    void aQuotaIsDeletedAfterConfirmation() {
        Document list = Browser.html(Browser.as(Scope.ADMIN).get("/quotas").asString());
        assertTrue(list.getElementById("delete-quota_1").parent().attr("hx-confirm").startsWith("Delete quota quota_1?"));
        Document confirm = Browser.html(Browser.as(Scope.ADMIN).get("/quotas/quota_1/delete").asString());
        assertEquals("/quotas/quota_1/delete", confirm.getElementById("confirm-form").attr("action"));
        Browser.form(Scope.ADMIN).post("/quotas/quota_1/delete").then().statusCode(303).header("Location", "/quotas?deleted=quota_1");
        assertNull(owners.gates.quotas.get("quota_1"));
        Document again = Browser.html(Browser.form(Scope.ADMIN).post("/quotas/quota_1/delete").then().statusCode(200)
                .extract().asString());
        assertEquals("Not deleted: No quota quota_1", again.getElementById("quotas-action-error").text());
        Browser.form(Scope.OPERATOR).post("/quotas/quota_1/delete").then().statusCode(403);
    }
}
