package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The approval flow in a real headless Chromium, through the suite's gateway: an approval rule
 * holds priced Replicate jobs; an operator sees the cost estimate on the submit form and submits
 * one in the console, which waits for approval without reaching the provider; an admin, signed in
 * with a username and password, approves it in the console's queue; the job reaches the stand-in
 * Replicate exactly once, and a second approval changes nothing.
 */
@ExtendWith(Suite.Extension.class)
class ConsoleApprovalIT {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    private static final Duration LIVE = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(50);
    /** Dollars per second: an hour of it is $36, far above the rule's $1. */
    private static final double PRICE = 0.01;

    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address (the suite's gateway trusts the loopback proxy): its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));
    private final ConsoleSessions sessions = new ConsoleSessions(suite.gateway(""), client);
    private final ConsolePages console = new ConsolePages(BROWSER, suite.gateway(""));

    @BeforeEach
    void anonymousDesktopBrowser() {
        BROWSER.desktop();
        BROWSER.clearCookies();
        BROWSER.errors();
    }

    private Http.Reply asAdmin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    @Test
    void aPricedJobWaitsForAnAdminsApprovalInTheConsoleAndThenReachesTheProviderOnce() {
        JsonNode before = asAdmin("GET", "/api/cloud/providers/replicate", null).json();
        String rule = null;
        try (FakeReplicate replicate = new FakeReplicate()) {
            Http.Reply configured = asAdmin("PUT", "/api/cloud/providers/replicate", "{\"api_base_url\": \"" + replicate.url()
                    + "\", \"api_token\": \"r8_console_approval_test_0123\", \"webhook_secret\": \"" + FakeReplicate.WEBHOOK_SECRET
                    + "\", \"hardware_prices\": {\"gpu-h100\": " + PRICE + "}}");
            assertEquals(200, configured.status(), configured.body());
            Http.Reply created = asAdmin("POST", "/api/approvals/rules", "{\"name\": \"console approval test\","
                    + " \"description\": \"priced Replicate jobs wait for an admin\", \"condition\": \"cost_exceeds\","
                    + " \"threshold\": \"1.00\", \"is_active\": true, \"priority\": 100, \"applies_to_provider\": \"replicate\","
                    + " \"exempt_levels\": [], \"required_approver_level\": \"admin\"}");
            assertEquals(201, created.status(), created.body());
            rule = created.json().get("id").asText();

            // an operator prices the job on the submit form, then submits it: it waits for approval
            console.signIn(sessions.key("console approval operator", "operator"));
            console.open("/submit");
            console.chooseValue("Provider", "replicate");
            console.type("Name", "approval lora");
            console.type("Hardware", "gpu-h100");
            console.type("Maximum run time (seconds)", "3600");
            console.type("Model version", "acme/base:v1");
            console.type("Destination model", "acme/approved-lora");
            String estimate = console.await(LIVE, d -> console.has("estimate-cost") ? console.text("estimate-cost") : null);
            assertTrue(estimate.contains("$36.00"), estimate);
            console.click("submit-job");
            console.await(LIVE, d -> console.has("submitted-pending-approval"));
            BROWSER.assertNoErrors();
            String jobId = console.text("submitted-job-link");
            String request = console.text("submitted-approval-request");
            assertEquals("pending_approval", job(jobId).get("status").asText());
            assertEquals(0, replicate.trainingsCreated().size(), "the provider was called before the approval");
            console.signOut();

            // an admin signs in with a username and password and approves it in the queue
            String username = "approver" + (1000 + new Random().nextInt(9000));
            String password = "correct horse battery staple " + username;
            Http.Reply user = asAdmin("POST", "/api/users", "{\"username\": \"" + username + "\", \"display_name\": \"Approver\","
                    + " \"email\": \"" + username + "@example.com\", \"password\": \"" + password + "\", \"role\": \"admin\"}");
            assertEquals(201, user.status(), user.body());
            console.signIn(username, password);
            console.open("/approvals");
            assertTrue(console.text("request-" + request).contains(jobId));
            console.driver().findElement(By.id("notes-" + request)).sendKeys("within this month's budget");
            console.click("approve-" + request);
            console.await(LIVE, d -> console.has("approvals-notice"));
            BROWSER.assertNoErrors();
            assertEquals("Request " + request + " was approved.", console.text("approvals-notice"));
            assertFalse(console.has("request-" + request), "still listed as pending");

            // the job leaves pending_approval by reaching the provider, once
            JsonNode started = awaitJob(jobId, j -> !"pending_approval".equals(j.get("status").asText()));
            assertEquals(1, replicate.trainingsCreated().size(), replicate.calls().toString());
            assertTrue(replicate.trainingsCreated().get(0).body().contains("acme/approved-lora"));
            assertTrue(started.get("provider_job_id").asText().startsWith("tr_fake_"), started.toString());
            JsonNode decided = asAdmin("GET", "/api/approvals/requests/" + request, null).json();
            assertEquals("approved", decided.get("status").asText());
            assertEquals("within this month's budget", decided.get("review_notes").asText());

            // a second approval is refused and starts nothing
            Http.Reply again = asAdmin("POST", "/api/approvals/requests/" + request + "/approve", "{\"notes\": \"again\"}");
            assertTrue(again.status() >= 400 && again.status() < 500, again.status() + " " + again.body());
            assertEquals(1, replicate.trainingsCreated().size(), "approved twice, started twice");
            console.signOut();
        } finally {
            if (rule != null) {
                asAdmin("DELETE", "/api/approvals/rules/" + rule, null);
            }
            asAdmin("PUT", "/api/cloud/providers/replicate", "{\"api_base_url\": " + before.get("api_base_url")
                    + ", \"hardware_prices\": " + before.get("hardware_prices") + "}");
        }
    }

    private JsonNode job(String id) {
        Http.Reply reply = asAdmin("GET", "/api/cloud/jobs/" + id, null);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private JsonNode awaitJob(String id, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + LIVE.toNanos();
        JsonNode job = job(id);
        while (!condition.test(job) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL.toNanos());
            job = job(id);
        }
        assertTrue(condition.test(job), job.toString());
        return job;
    }
}
