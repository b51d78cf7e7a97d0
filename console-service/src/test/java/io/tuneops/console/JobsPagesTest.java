package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.console.Browser.Scope;
import io.tuneops.console.FakeOwners.Recorded;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jobs list and a job's page: live rows, filters, paging, fields, logs, outputs, cancel and delete. */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class JobsPagesTest {

    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    @Test
    void theJobsListShowsEveryRowAndPollsItsRows() {
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/jobs").then().statusCode(200)
                .contentType("text/html").extract().asString());
        Element rows = page.getElementById("job-rows");
        assertEquals("every 1s", rows.attr("hx-trigger"));
        assertEquals("/jobs/rows", rows.attr("hx-get"));
        assertEquals("outerHTML", rows.attr("hx-swap"));
        Element done = page.getElementById("job-job_done1");
        assertEquals("completed", done.attr("data-status"));
        assertTrue(done.text().contains("$1.14"), done.text());
        assertTrue(done.text().contains("13 min 33 s"), done.text());
        assertEquals("/jobs/job_done1", done.select("a").attr("href"));
        assertNotNull(page.getElementById("job-job_run1"));
        assertTrue(page.getElementById("jobs-total").text().startsWith("2 jobs"));
    }

    @Test
    void theRowsFragmentIsTheTableBodyAloneWithTheSameFiltersAndPage() {
        String body = Browser.as(Scope.VIEWER).get("/jobs/rows?status=running&provider=generic").then().statusCode(200)
                .extract().asString();
        assertTrue(body.trim().startsWith("<tbody"), body);
        assertFalse(body.contains("<html"), "a fragment, not a page");
        Document fragment = Browser.html("<table>" + body + "</table>");
        assertEquals("/jobs/rows?status=running&provider=generic", fragment.getElementById("job-rows").attr("hx-get"));
        assertNotNull(fragment.getElementById("job-job_run1"));
        assertNull(fragment.getElementById("job-job_done1"));
        Recorded asked = owners.requests("GET", "/api/cloud/jobs").get(0);
        assertEquals("status=running&provider=generic&limit=50", asked.query());
    }

    @Test
    void keysetPagingFollowsTheOwnersNextCursor() {
        owners.manyJobs(120);
        Document first = Browser.html(Browser.as(Scope.VIEWER).get("/jobs?status=completed").asString());
        String next = first.getElementById("jobs-next").attr("href");
        assertTrue(next.startsWith("/jobs?status=completed&cursor="), next);
        assertNull(first.getElementById("jobs-first"));
        Document second = Browser.html(Browser.as(Scope.VIEWER).get(next).asString());
        assertNotNull(second.getElementById("jobs-first"));
        assertTrue(second.getElementById("job-rows").attr("hx-get").contains("cursor="), "the second page polls itself");
        assertEquals(30, second.select("#job-rows tr").size());
    }

    @Test
    void eachPollBringsTheCountAndThePagerOfTheSameListing() {
        owners.jobs.clear();
        Document empty = Browser.html(Browser.as(Scope.VIEWER).get("/jobs?limit=2").asString());
        assertTrue(empty.getElementById("jobs-total").text().startsWith("0 jobs"));
        assertNull(empty.getElementById("jobs-next"));
        assertFalse(empty.getElementById("jobs-total").hasAttr("hx-swap-oob"), "the page itself is whole");

        for (int i = 1; i <= 3; i++) {
            owners.putJob(FakeOwners.job("job_arrived" + i, "running", "generic"));
        }
        String poll = Browser.as(Scope.VIEWER).get(empty.getElementById("job-rows").attr("hx-get")).then().statusCode(200)
                .extract().asString();
        // htmx parses the answer as a template: the table body first, the out-of-band parts after it
        assertTrue(poll.trim().startsWith("<tbody"), poll);
        assertTrue(poll.indexOf("id=\"jobs-total\"") > poll.indexOf("</tbody>"), poll);
        Document fragment = Browser.html("<table>" + poll + "</table>");
        assertEquals(2, fragment.select("#job-rows tr").size());
        Element total = fragment.getElementById("jobs-total");
        assertEquals("true", total.attr("hx-swap-oob"));
        assertTrue(total.text().startsWith("3 jobs"), total.text());
        assertEquals("true", fragment.getElementById("jobs-pager").attr("hx-swap-oob"));
        assertEquals("/jobs?limit=2&cursor=c2", fragment.getElementById("jobs-next").attr("href"),
                "Next page starts after the last row this poll shows");
    }

    @Test
    void aJobsPageSendsItsLogOnlyWhenItChangedAndOnlyItsLines() {
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/jobs/job_run1").asString());
        Element box = page.getElementById("job-log");
        assertNotNull(box, "the log box");
        assertNull(page.getElementById("job-live").getElementById("job-log"), "the log box is not in the polled section");
        assertFalse(box.hasAttr("hx-swap-oob"));
        String poll = page.getElementById("job-live").attr("hx-get");

        Document unchanged = Browser.html(Browser.as(Scope.VIEWER).get(poll).then().statusCode(200).extract().asString());
        assertEquals("running", unchanged.getElementById("job-status").text());
        assertNull(unchanged.getElementById("job-logs"), "an unchanged log is not sent, so its box is left alone");
        assertEquals(poll, unchanged.getElementById("job-live").attr("hx-get"));

        owners.jobs.get("job_run1").put("logs", "step 1\nstep 2 <b>bold</b>\nstep 3");
        Document changed = Browser.html(Browser.as(Scope.VIEWER).get(poll).then().statusCode(200).extract().asString());
        Element lines = changed.getElementById("job-log");
        assertEquals("innerHTML", lines.attr("hx-swap-oob"), "the lines replace the box's content, the box stays");
        assertEquals("step 1\nstep 2 <b>bold</b>\nstep 3", changed.getElementById("job-logs").wholeText());
        String next = changed.getElementById("job-live").attr("hx-get");
        assertNotEquals(poll, next, "the next poll names the log now shown");
        assertNull(Browser.html(Browser.as(Scope.VIEWER).get(next).asString()).getElementById("job-logs"));
    }

    @Test
    void aJobsPageStopsPollingOnceTheJobHasFinishedOrIsGone() {
        Response running = Browser.as(Scope.VIEWER).get("/jobs/job_run1/live");
        assertEquals(200, running.statusCode());

        Response finished = Browser.as(Scope.VIEWER).get("/jobs/job_done1/live");
        assertEquals(286, finished.statusCode(), "htmx stops polling on 286");
        assertEquals("none", Browser.html(finished.asString()).getElementById("job-live").attr("hx-trigger"));

        owners.jobs.remove("job_run1");
        Response gone = Browser.as(Scope.VIEWER).get("/jobs/job_run1/live");
        assertEquals(286, gone.statusCode(), "a job deleted elsewhere is not asked for again every second");
        Document shown = Browser.html(gone.asString());
        assertTrue(shown.getElementById("job-gone").text().startsWith("This job no longer exists"));
        assertFalse(shown.getElementById("job-live").hasAttr("hx-get"), "what is swapped in polls no more");
        assertFalse(gone.asString().contains("<html"), "a fragment, not a page");
        assertEquals(404, Browser.as(Scope.VIEWER).get("/jobs/job_run1").statusCode(), "the page itself is not found");
    }

    @Test
    void theFiltersKeepTheirChoice() {
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/jobs?status=running").asString());
        assertEquals("running", page.select("#filter-status option[selected]").attr("value"));
        assertEquals("", page.select("#filter-provider option[selected]").attr("value"));
        assertEquals("Status", page.select("label[for=filter-status]").text());
    }

    @Test
    void aJobsPageShowsEveryFieldItsLogsEscapedAndItsOutputs() {
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/jobs/job_run1").then().statusCode(200).extract().asString());
        assertEquals("running", page.getElementById("job-status").text());
        for (String field : List.of("job_id", "status", "provider_status", "name", "provider", "provider_job_id", "hardware",
                "version", "destination", "submitted_by", "idempotency_key", "created_at", "updated_at", "started_at",
                "completed_at", "duration_seconds", "cost_usd", "upload_progress", "output_url")) {
            assertNotNull(page.getElementById("job-field-" + field), field);
        }
        assertEquals("2 objects, 3.3 MiB", page.getElementById("job-field-upload_progress").text());
        Element logs = page.getElementById("job-logs");
        assertEquals("step 1\nstep 2 <b>bold</b>", logs.wholeText());
        assertTrue(logs.select("b").isEmpty(), "log text is escaped, never markup");
        Element live = page.getElementById("job-live");
        assertEquals("every 1s", live.attr("hx-trigger"), "an unfinished job's page updates itself");
        assertTrue(live.attr("hx-get").startsWith("/jobs/job_run1/live?log="), live.attr("hx-get"));

        Document done = Browser.html(Browser.as(Scope.VIEWER).get("/jobs/job_done1").asString());
        assertEquals("none", done.getElementById("job-live").attr("hx-trigger"), "a finished job does not change");
        assertTrue(done.getElementById("job-output").text().contains("weights.tar"));
        Element download = done.getElementById("output-download-1");
        assertEquals("/api/cloud/storage/outputs/job_done1/checkpoint-500/model.safetensors", download.attr("href"));
        assertTrue(download.hasAttr("download"));
        assertEquals("/api/cloud/storage/outputs/job_done1/samples/a%20b.png",
                done.getElementById("output-download-2").attr("href"));
        List<Recorded> listings = owners.requests("GET", "/api/cloud/storage/outputs");
        Recorded listing = listings.get(listings.size() - 1);
        assertEquals("list-type=2&prefix=job_done1%2F&max-keys=1000", listing.query());
    }

    @Test
    void anUnknownJobIsAPageSayingSo() {
        Response response = Browser.as(Scope.VIEWER).get("/jobs/job_nope");
        assertEquals(404, response.statusCode());
        assertTrue(Browser.html(response.asString()).getElementById("error-message").text().contains("not found"));
    }

    @Test
    void ownersAreCalledWithTheVouchedIdentityAndTheGatewayWithTheSession() {
        Browser.as(Scope.OPERATOR).get("/jobs").then().statusCode(200);
        Recorded toOwner = owners.requests("GET", "/api/cloud/jobs").get(0);
        assertEquals(Browser.SECRET, toOwner.headers().get("X-Tuneops-Gateway-Secret"));
        assertEquals("key_operator", toOwner.headers().get("X-Tuneops-Actor"));
        assertEquals("operator", toOwner.headers().get("X-Tuneops-Scopes"));
        assertEquals("203.0.113.9", toOwner.headers().get("X-Tuneops-Client-IP"));
        assertNull(toOwner.headers().get("Cookie"), "the session cookie goes to the gateway only");
        assertNull(toOwner.headers().get("X-Tuneops-Csrf"));
        assertNotNull(toOwner.headers().get("X-Correlation-ID"));

        Browser.as(Scope.ADMIN).header("X-Forwarded-For", "198.51.100.7").get("/keys").then().statusCode(200);
        Recorded toGateway = owners.requests("GET", "/api/auth/api-keys").get(0);
        assertEquals(Browser.COOKIE, toGateway.headers().get("Cookie"));
        assertEquals(Browser.CSRF, toGateway.headers().get("X-CSRF-Token"));
        // the visitor's address as the gateway vouched for it, not what the browser claimed
        assertEquals("203.0.113.9", toGateway.headers().get("X-Forwarded-For"));
        assertNull(toGateway.headers().get("X-Tuneops-Gateway-Secret"), "the internal secret never goes to the gateway's public side");
        assertNull(toGateway.headers().get("X-Tuneops-Actor"));
    }

    @Test
    void cancellingWithHtmxFollowsHxRedirectAndWithoutJavaScriptConfirmsFirst() {
        Browser.form(Scope.OPERATOR).header("HX-Request", "true").post("/jobs/job_run1/cancel").then().statusCode(200)
                .header("HX-Redirect", equalTo("/jobs/job_run1"));
        assertEquals("cancelled", owners.jobs.get("job_run1").getString("status"));

        owners.reset();
        Document confirm = Browser.html(Browser.as(Scope.OPERATOR).get("/jobs/job_run1/cancel").asString());
        Element form = confirm.getElementById("confirm-form");
        assertEquals("post", form.attr("method"));
        assertEquals("/jobs/job_run1/cancel", form.attr("action"));
        assertEquals(Browser.CSRF, form.select("input[name=_csrf]").attr("value"));
        assertNotNull(confirm.getElementById("confirm-cancel"));
        assertEquals("running", owners.jobs.get("job_run1").getString("status"), "showing the confirmation changes nothing");
        Browser.form(Scope.OPERATOR).post("/jobs/job_run1/cancel").then().statusCode(303)
                .header("Location", equalTo("/jobs/job_run1"));
        assertEquals("cancelled", owners.jobs.get("job_run1").getString("status"));

        owners.reset();
        Document jobPage = Browser.html(Browser.as(Scope.OPERATOR).get("/jobs/job_run1").asString());
        assertTrue(jobPage.getElementById("cancel-form").attr("hx-confirm").startsWith("Cancel job job_run1?"));
    }

    @Test
    void aRefusedCancelIsShownNextToTheActions() {
        String body = Browser.form(Scope.OPERATOR).header("HX-Request", "true").post("/jobs/job_done1/cancel").then()
                .statusCode(200).extract().asString();
        Document page = Browser.html(body);
        assertEquals("Not cancelled: Job job_done1 is completed and can no longer be cancelled",
                page.getElementById("action-error").text());
        assertNotNull(page.getElementById("main"), "htmx selects #main from the page");
    }

    @Test
    void deletingAFinishedJobGoesBackToTheListSayingSo() {
        Browser.form(Scope.OPERATOR).post("/jobs/job_done1/delete").then().statusCode(303)
                .header("Location", equalTo("/jobs?deleted=job_done1"));
        assertFalse(owners.jobs.containsKey("job_done1"));
        Document list = Browser.html(Browser.as(Scope.OPERATOR).get("/jobs?deleted=job_done1").asString());
        assertEquals("Job job_done1 was deleted.", list.getElementById("jobs-notice").text());
        String refused = Browser.form(Scope.OPERATOR).post("/jobs/job_run1/delete").then().statusCode(200).extract().asString();
        assertTrue(Browser.html(refused).getElementById("action-error").text().contains("only finished jobs can be deleted"));
    }

    @Test
    void anOwnerThatHangsIsShownAsUnavailableWithinTheTimeout() {
        owners.hang("GET", "/api/cloud/jobs");
        long start = System.nanoTime();
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/jobs").then().statusCode(200).extract().asString());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 3_000, "took " + millis + " ms with a 1 s owner timeout");
        assertEquals("webhook-service is unavailable: it did not answer within 1000 ms",
                page.getElementById("jobs-error").text());
        assertEquals("every 1s", page.getElementById("job-rows").attr("hx-trigger"), "it keeps trying");

        owners.hang("GET", "/api/cloud/storage/outputs");
        Document job = Browser.html(Browser.as(Scope.VIEWER).get("/jobs/job_done1").then().statusCode(200).extract().asString());
        assertTrue(job.getElementById("outputs-error").text().startsWith("storage-service is unavailable"));
        assertNotNull(job.getElementById("job-fields"), "the rest of the page is there");
    }

    @Test
    void anOwnerAnsweringAnErrorIsShownInItsWords() {
        owners.script("GET", "/api/cloud/jobs", 400, "{\"detail\": \"status must be one of pending, queued\"}");
        Document page = Browser.html(Browser.as(Scope.VIEWER).get("/jobs?status=bogus").asString());
        assertEquals("status must be one of pending, queued", page.getElementById("jobs-error").text());
        owners.script("GET", "/api/cloud/jobs/job_run1", 503, "<html>Bad gateway</html>");
        Response down = Browser.as(Scope.VIEWER).get("/jobs/job_run1");
        assertEquals(502, down.statusCode());
        assertEquals("webhook-service answered HTTP 503", Browser.html(down.asString()).getElementById("error-message").text());
    }
}
