package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.console.Browser.Scope;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ids taken from a URL, which anyone can craft: one without an id's shape in a path is a page that
 * does not exist, and in a notice parameter it makes no notice.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class UntrustedIdsTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    @Test
    void aPathIdWithoutAnIdsShapeIsNotFoundWithoutAskingItsOwner() {
        // as sent on the wire: RestAssured would encode the percent signs again
        for (String path : List.of("/jobs/%00", "/jobs/%00/live", "/jobs/%00/cancel", "/notifications/channels/%00",
                "/users/%00", "/jobs/job%20run1", "/jobs/%3Cb%3E", "/providers/replicate%0A", "/jobs/" + "a".repeat(129))) {
            Response response = Browser.as(Scope.ADMIN).urlEncodingEnabled(false).get(path);
            assertEquals(404, response.statusCode(), path);
            assertTrue(response.contentType().startsWith("text/html"), path);
            assertEquals("Not found", Browser.html(response.asString()).selectFirst("#main h1").text(), path);
        }
        Browser.form(Scope.ADMIN).urlEncodingEnabled(false).post("/jobs/%00/delete").then().statusCode(404);
        Browser.form(Scope.ADMIN).urlEncodingEnabled(false).post("/users/%00/deactivate").then().statusCode(404);
        assertTrue(owners.requests.isEmpty(), "no owner was asked: " + owners.requests);

        Browser.as(Scope.ADMIN).get("/jobs/" + "a".repeat(128)).then().statusCode(404);
        assertEquals(1, owners.requests("GET", "/api/cloud/jobs/" + "a".repeat(128)).size(), "an id's shape is the owner's to judge");
    }

    @Test
    void aNoticeNamesOnlyAnIdAndOtherwiseIsNotShown() {
        Map<String, String> notices = Map.of(
                "/jobs?deleted=", "jobs-notice",
                "/keys?revoked=", "keys-notice",
                "/notifications?deleted=", "channels-notice",
                "/notifications/preferences?deleted=", "preferences-notice",
                "/notifications/history?retried=", "history-notice",
                "/users?deactivated=", "users-notice",
                "/approvals?verdict=approve&decided=", "approvals-notice",
                "/quotas?deleted=", "quotas-notice");
        String spoof = "all%20jobs.%20Your%20session%20expired:%20sign%20in%20again%20at%20evil.example";
        notices.forEach((page, notice) -> {
            Document spoofed = Browser.html(Browser.as(Scope.ADMIN).urlEncodingEnabled(false).get(page + spoof).then()
                    .statusCode(200).extract().asString());
            assertNull(spoofed.getElementById(notice), page);
            assertFalse(spoofed.body().text().contains("evil.example"), page);
            Document shown = Browser.html(Browser.as(Scope.ADMIN).get(page + "job_1.a-b").then().statusCode(200).extract()
                    .asString());
            assertTrue(shown.getElementById(notice).text().contains("job_1.a-b"), page);
        });
        Document muted = Browser.html(Browser.as(Scope.ADMIN)
                .get("/notifications/preferences?deleted=%3Cnot%20an%20id%3E&muted=true").asString());
        assertTrue(muted.getElementById("preferences-notice").text().startsWith("Your routine job events are muted"));
    }
}
