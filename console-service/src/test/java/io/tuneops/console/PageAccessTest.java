package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.console.Browser.Scope;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each page renders for the scopes that may see it, refuses the others, and offers only what a scope may do. */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class PageAccessTest {

    /** Every page and the lowest scope that opens it. */
    static final Map<String, Scope> PAGES = Map.ofEntries(
            Map.entry("/jobs", Scope.VIEWER),
            Map.entry("/jobs/job_run1", Scope.VIEWER),
            Map.entry("/providers", Scope.VIEWER),
            Map.entry("/providers/replicate", Scope.VIEWER),
            Map.entry("/metrics", Scope.VIEWER),
            Map.entry("/metrics/preview?categories=jobs", Scope.VIEWER),
            Map.entry("/health", Scope.VIEWER),
            Map.entry("/health?include_providers=true", Scope.VIEWER),
            Map.entry("/submit", Scope.OPERATOR),
            Map.entry("/jobs/job_run1/cancel", Scope.OPERATOR),
            Map.entry("/jobs/job_done1/delete", Scope.OPERATOR),
            Map.entry("/audit", Scope.ADMIN),
            Map.entry("/audit/verify", Scope.ADMIN),
            Map.entry("/keys", Scope.ADMIN),
            Map.entry("/keys/key_admin/revoke", Scope.ADMIN),
            Map.entry("/quotas", Scope.VIEWER),
            Map.entry("/quotas/quota_1/delete", Scope.ADMIN),
            Map.entry("/approvals", Scope.OPERATOR),
            Map.entry("/approvals?status=all", Scope.OPERATOR),
            Map.entry("/submit/estimate?hardware=gpu-h100", Scope.OPERATOR),
            Map.entry("/users", Scope.ADMIN),
            Map.entry("/users/usr_bob", Scope.ADMIN),
            Map.entry("/users/usr_bob/deactivate", Scope.ADMIN),
            Map.entry("/teams", Scope.ADMIN),
            Map.entry("/notifications", Scope.VIEWER),
            Map.entry("/notifications?preset=gmail", Scope.VIEWER),
            Map.entry("/notifications/channels/nch_mail", Scope.VIEWER),
            Map.entry("/notifications/channels/nch_down", Scope.VIEWER),
            Map.entry("/notifications/channels/nch_mail/delete", Scope.ADMIN),
            Map.entry("/notifications/preferences", Scope.VIEWER),
            Map.entry("/notifications/preferences/npr_bob/delete", Scope.VIEWER),
            Map.entry("/notifications/history", Scope.ADMIN),
            Map.entry("/notifications/history?status=failed&offset=50", Scope.ADMIN));

    @BeforeEach
    void reset() {
        FakeOwners.get().reset();
    }

    @Test
    void everyPageRendersForTheScopesThatOpenItAndIsRefusedToTheOthers() {
        for (Map.Entry<String, Scope> page : PAGES.entrySet()) {
            for (Scope scope : Scope.values()) {
                Response response = Browser.as(scope).get(page.getKey());
                if (scope.compareTo(page.getValue()) >= 0) {
                    assertEquals(200, response.statusCode(), scope + " " + page.getKey() + ": " + response.asString());
                    Document html = Browser.html(response.asString());
                    assertEquals(scope.actor(), html.getElementById("signed-in-actor").text(), page.getKey());
                    assertNotNull(html.getElementById("sign-out-form"), page.getKey());
                } else {
                    assertEquals(403, response.statusCode(), scope + " " + page.getKey());
                    assertTrue(Browser.html(response.asString()).getElementById("error-message").text()
                            .contains("'" + page.getValue().id + "' scope"), page.getKey());
                }
            }
        }
    }

    @Test
    void theNavigationOffersOnlyThePagesOfTheScope() {
        assertEquals(List.of("nav-jobs", "nav-quotas", "nav-providers", "nav-metrics", "nav-health", "nav-notifications"),
                nav(Scope.VIEWER));
        assertEquals(List.of("nav-jobs", "nav-submit", "nav-approvals", "nav-quotas", "nav-providers", "nav-metrics",
                "nav-health", "nav-notifications"), nav(Scope.OPERATOR));
        assertEquals(List.of("nav-jobs", "nav-submit", "nav-approvals", "nav-quotas", "nav-providers", "nav-metrics",
                "nav-health", "nav-notifications", "nav-audit", "nav-users", "nav-teams", "nav-keys"), nav(Scope.ADMIN));
    }

    private static List<String> nav(Scope scope) {
        Document html = Browser.html(Browser.as(scope).get("/jobs").asString());
        assertEquals("page", html.getElementById("nav-jobs").attr("aria-current"));
        return html.select("nav.nav a").eachAttr("id");
    }

    @Test
    void actionsAreOfferedOnlyToTheScopesThatMayTakeThem() {
        Document viewerJob = Browser.html(Browser.as(Scope.VIEWER).get("/jobs/job_run1").asString());
        assertNull(viewerJob.getElementById("cancel-job"));
        Document operatorJob = Browser.html(Browser.as(Scope.OPERATOR).get("/jobs/job_run1").asString());
        assertNotNull(operatorJob.getElementById("cancel-job"));
        assertNull(operatorJob.getElementById("delete-job"), "a running job is cancelled, not deleted");
        assertNotNull(Browser.html(Browser.as(Scope.OPERATOR).get("/jobs/job_done1").asString()).getElementById("delete-job"));

        Document viewerProvider = Browser.html(Browser.as(Scope.VIEWER).get("/providers/replicate").asString());
        assertNull(viewerProvider.getElementById("provider-save"));
        assertTrue(viewerProvider.getElementById("provider-fields").hasAttr("disabled"));
        assertNotNull(viewerProvider.getElementById("provider-read-only"));
        Document operatorProvider = Browser.html(Browser.as(Scope.OPERATOR).get("/providers/replicate").asString());
        assertNull(operatorProvider.getElementById("provider-save"));
        Document adminProvider = Browser.html(Browser.as(Scope.ADMIN).get("/providers/replicate").asString());
        assertNotNull(adminProvider.getElementById("provider-save"));
        assertFalse(adminProvider.getElementById("provider-fields").hasAttr("disabled"));

        Document viewerMetrics = Browser.html(Browser.as(Scope.VIEWER).get("/metrics").asString());
        assertNull(viewerMetrics.getElementById("metrics-form"));
        assertNull(viewerMetrics.getElementById("metrics-template-standard"));
        assertNotNull(viewerMetrics.getElementById("preview-form"), "every scope previews");
        Document adminMetrics = Browser.html(Browser.as(Scope.ADMIN).get("/metrics").asString());
        assertNotNull(adminMetrics.getElementById("metrics-form"));
        assertNotNull(adminMetrics.getElementById("metrics-template-standard"));
    }

    @Test
    void anAnonymousPageRequestIsSentToSignInAndComesBackAfterwards() {
        Browser.anonymous().get("/jobs?status=running").then().statusCode(303)
                .header("Location", equalTo("/sign-in?next=%2Fjobs%3Fstatus%3Drunning"));
        Browser.anonymous().get("/").then().statusCode(303).header("Location", equalTo("/sign-in"));
        Browser.anonymous().contentType("application/x-www-form-urlencoded").formParam("name", "x").post("/keys")
                .then().statusCode(303).header("Location", equalTo("/sign-in"));
        assertTrue(FakeOwners.get().requests.isEmpty(), "no owner is asked for an anonymous visitor");
    }

    @Test
    void identityHeadersWithoutTheInternalSecretAreNotBelieved() {
        Browser.anonymous().header("X-Tuneops-Actor", "key_admin").header("X-Tuneops-Scopes", "admin")
                .header("X-Tuneops-Csrf", Browser.CSRF).header("X-Tuneops-Gateway-Secret", "wrong")
                .get("/keys").then().statusCode(303);
    }

    @Test
    void anEndedSessionTurnsHtmxPollingIntoANavigationToSignIn() {
        Browser.anonymous().header("HX-Request", "true").get("/jobs/rows").then().statusCode(200)
                .header("HX-Redirect", equalTo("/sign-in"));
    }

    @Test
    void theSignInPageAsksForTheKeyAndPostsItToTheGateway() {
        Document html = Browser.html(Browser.anonymous().get("/sign-in?error=invalid&next=/jobs/job_run1").then()
                .statusCode(200).extract().asString());
        Element form = html.getElementById("sign-in-form");
        assertEquals("post", form.attr("method"));
        assertEquals("/api/auth/session", form.attr("action"));
        Element key = html.getElementById("sign-in-key");
        assertEquals("password", key.attr("type"));
        assertEquals("api_key", key.attr("name"));
        assertEquals("API key", html.select("label[for=sign-in-key]").text());
        assertEquals("/jobs/job_run1", html.select("input[name=next]").attr("value"));
        assertTrue(html.getElementById("sign-in-error").text().contains("not accepted"));

        Element password = html.getElementById("password-sign-in-form");
        assertEquals("post", password.attr("method"));
        assertEquals("/api/auth/session", password.attr("action"), "the password goes to the gateway, never through here");
        assertEquals("username", html.getElementById("sign-in-username").attr("name"));
        assertEquals("Username", html.select("label[for=sign-in-username]").text());
        assertEquals("password", html.getElementById("sign-in-password").attr("type"));
        assertEquals("password", html.getElementById("sign-in-password").attr("name"));
        assertEquals("Password", html.select("label[for=sign-in-password]").text());
        assertEquals(List.of("/jobs/job_run1", "/jobs/job_run1"), html.select("input[name=next]").eachAttr("value"),
                "both forms come back to the page asked for");
        assertNull(html.getElementById("sign-out-form"));

        Document offsite = Browser.html(Browser.anonymous().get("/sign-in?next=//evil.example/x").asString());
        assertTrue(offsite.select("input[name=next]").isEmpty(), "only a path on this site comes back");
        Browser.as(Scope.VIEWER).get("/sign-in?next=/health").then().statusCode(303).header("Location", equalTo("/health"));
    }

    @Test
    void aSignedInVisitorIsNeverSentOffSiteNorShownAnErrorByANextPage() {
        // raw query strings, as a crafted link sends them
        for (String next : List.of("/%09/127.0.0.1:18999/x", "/%0d%0aSet-Cookie:%20a=b", "/%5C127.0.0.1/x", "%2F%2Fevil.example")) {
            Browser.as(Scope.VIEWER).urlEncodingEnabled(false).get("/sign-in?next=" + next).then().statusCode(303)
                    .header("Location", equalTo("/jobs"));
            Document page = Browser.html(Browser.anonymous().urlEncodingEnabled(false).get("/sign-in?next=" + next).then()
                    .statusCode(200).extract().asString());
            assertTrue(page.select("input[name=next]").isEmpty(), next);
        }
    }

    @Test
    void theSignOutFormPostsTheSessionsCsrfTokenToTheGateway() {
        Document html = Browser.html(Browser.as(Scope.VIEWER).get("/jobs").asString());
        Element form = html.getElementById("sign-out-form");
        assertEquals("/api/auth/session/end", form.attr("action"));
        assertEquals("post", form.attr("method"));
        assertEquals(Browser.CSRF, form.select("input[name=_csrf]").attr("value"));
        assertEquals("{\"X-CSRF-Token\": \"" + Browser.CSRF + "\"}", html.body().attr("hx-headers"));
        assertEquals("viewer", html.getElementById("signed-in-scopes").text());
    }

    @Test
    void anUnknownPageIsAPageToo() {
        Response response = Browser.as(Scope.VIEWER).get("/no/such/page");
        assertEquals(404, response.statusCode());
        assertTrue(response.contentType().startsWith("text/html"), response.contentType());
        assertNotNull(Browser.html(response.asString()).getElementById("error-message"));
    }
}
