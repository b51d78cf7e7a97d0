package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.console.Browser.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every state-changing console request needs the session's CSRF token, in the form ({@code _csrf})
 * or in the header htmx sends (X-CSRF-Token); without it, or with another, nothing reaches an owner.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class CsrfTest {

    /** Every POST route of the console, with a body that would change something. */
    static final List<String> POSTS = List.of("/submit", "/jobs/job_run1/cancel", "/jobs/job_done1/delete",
            "/providers/generic", "/metrics", "/metrics/templates/standard", "/keys", "/keys/key_admin/revoke", "/quotas",
            "/quotas/quota_1/delete", "/approvals/apr_1/decide", "/approvals/bulk", "/users", "/users/usr_bob",
            "/users/usr_bob/deactivate", "/teams", "/teams/org_acme/teams", "/teams/org_acme/team_ml/members",
            "/teams/org_acme/team_ml/members/usr_ada/remove");

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    private static Response post(String path, String formToken, String headerToken) {
        var request = Browser.as(Scope.ADMIN).contentType("application/x-www-form-urlencoded; charset=UTF-8")
                .formParam("name", "ci").formParam("provider", "generic").formParam("scopes", "viewer");
        if (formToken != null) {
            request.formParam("_csrf", formToken);
        }
        if (headerToken != null) {
            request.header("X-CSRF-Token", headerToken);
        }
        return request.post(path);
    }

    private boolean ownerChanged() {
        return owners.requests.stream().anyMatch(r -> !r.method().equals("GET"));
    }

    @Test
    void aPostWithoutTheTokenIsRefusedAndChangesNothing() {
        for (String path : POSTS) {
            Response refused = post(path, null, null);
            assertEquals(403, refused.statusCode(), path);
            assertTrue(Browser.html(refused.asString()).getElementById("error-message").text().contains("security token"), path);
            assertTrue(!ownerChanged(), path + " reached an owner");
        }
    }

    @Test
    void aPostWithAnotherTokenIsRefused() {
        for (String path : POSTS) {
            assertEquals(403, post(path, "csrf-token-of-another-session-0123456789", null).statusCode(), path);
            assertEquals(403, post(path, null, "csrf-token-of-another-session-0123456789").statusCode(), path);
            assertEquals(403, post(path, Browser.CSRF.substring(0, 20), null).statusCode(), path);
        }
        assertTrue(!ownerChanged());
    }

    @Test
    void aSessionWithoutATokenCannotChangeAnything() {
        Response response = Browser.anonymous().header("X-Tuneops-Gateway-Secret", Browser.SECRET)
                .header("X-Tuneops-Actor", "key_admin").header("X-Tuneops-Scopes", "admin")
                .contentType("application/x-www-form-urlencoded").formParam("_csrf", "").formParam("name", "x").post("/keys");
        assertEquals(403, response.statusCode());
        assertTrue(!ownerChanged());
    }

    @Test
    void theTokenInTheFormOrInTheHtmxHeaderIsAccepted() {
        for (String path : POSTS) {
            assertNotEquals(403, post(path, Browser.CSRF, null).statusCode(), path);
            owners.reset();
            assertNotEquals(403, post(path, null, Browser.CSRF).statusCode(), path);
            owners.reset();
        }
    }
}
