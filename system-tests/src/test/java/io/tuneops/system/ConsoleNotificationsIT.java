package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications in a real headless Chromium, through the suite's gateway: an admin creates a
 * signed webhook channel in the console (its generated secret shown once), tests it and sees what
 * the far end answered, lets an email preset fill the SMTP server, and routes failed jobs to the
 * channel with a preference; a job fails while the receiver answers 500, the delivery ends failed
 * in the history, and the admin finds it with the filters and retries it once the receiver is
 * back: it arrives signed, with the event's webhook-id. A person signed in with a password mutes
 * and unmutes their routine job events; a viewer reads the channels and is refused the history.
 * Every page fits a 390-pixel-wide phone. webhook-service runs with two attempts and a short
 * backoff here, so a delivery fails in a second; the suite's own process is put back after.
 */
@ExtendWith(Suite.Extension.class)
class ConsoleNotificationsIT {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    static final Map<String, String> QUICK_FAILURE = Map.of(
            "TUNEOPS_NOTIFICATIONS_MAX_ATTEMPTS", "2",
            "TUNEOPS_NOTIFICATIONS_BACKOFF_INITIAL", "100ms",
            "TUNEOPS_NOTIFICATIONS_BACKOFF_MAX", "200ms",
            "TUNEOPS_NOTIFICATIONS_DELIVERY_TIMEOUT", "2s");
    private static final Duration LIVE = Duration.ofSeconds(20);
    private static final String PATH = "/hooks/console";
    private static final Pattern CREATED = Pattern.compile("\\((nch_[^)]+)\\)");

    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address (the suite's gateway trusts the loopback proxy): its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));
    private final ConsoleSessions sessions = new ConsoleSessions(suite.gateway(""), client);
    private final ConsolePages console = new ConsolePages(BROWSER, suite.gateway(""));

    @BeforeAll
    static void webhookServiceThatGivesUpQuickly() {
        Suite.Extension.suite().restart("webhook-service", QUICK_FAILURE);
    }

    @AfterAll
    static void suiteWebhookServiceBack() {
        Suite.Extension.suite().restart("webhook-service", Map.of());
    }


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
    void anAdminSetsUpATestedWebhookAndRetriesAFailedDeliveryFromTheHistory() {
        String channel = null;
        try (NotificationReceiver receiver = new NotificationReceiver();
             GenericRunner runner = new GenericRunner(suite, "10.47")) {
            console.signIn(sessions.key("console notifications admin", "admin"));

            // a signed webhook channel: its generated secret is shown once, with a copy button
            console.open("/notifications");
            console.chooseValue("Type", "webhook");
            console.type("Name", "console hook");
            console.type("Webhook URL", receiver.url(PATH));
            console.click("channel-create");
            console.await(LIVE, d -> console.has("created-secret-value"));
            BROWSER.assertNoErrors();
            String secret = console.text("created-secret-value");
            assertTrue(secret.startsWith("whsec_"), secret);
            assertTrue(console.has("copy-created-secret"));
            Matcher id = CREATED.matcher(console.text("channels-notice"));
            assertTrue(id.find(), console.text("channels-notice"));
            String channelId = id.group(1);
            channel = channelId;
            receiver.verifyWith(PATH, secret);
            console.open("/notifications");
            assertFalse(console.driver().getPageSource().contains(secret), "the secret is shown once");

            // the test action: a real, signed message, and what the far end answered, focused for the keyboard
            console.click("test-" + channelId);
            console.await(LIVE, d -> console.has("channel-test-result"));
            BROWSER.assertNoErrors();
            assertEquals("true", console.driver().findElement(By.id("channel-test-result")).getAttribute("data-success"),
                    console.text("channel-test-result"));
            assertTrue(console.text("channel-test-summary").contains("HTTP 200"), console.text("channel-test-summary"));
            assertEquals("channel-test-result", console.driver().switchTo().activeElement().getAttribute("id"));
            List<NotificationReceiver.Received> tests = Eventually.until(LIVE, () -> receiver.received(r -> r.path().equals(PATH)),
                    l -> !l.isEmpty());
            assertEquals(Boolean.TRUE, tests.get(0).verified(), "the test message is signed with the secret shown");

            // an email preset fills the SMTP server as it is chosen
            console.open("/notifications");
            console.chooseValue("Type", "email");
            console.chooseValue("Email provider preset", "gmail");
            String host = console.await(LIVE, d -> {
                String value = console.field("SMTP server").getDomProperty("value");
                return value.isBlank() ? null : value;
            });
            BROWSER.assertNoErrors();
            assertTrue(host.contains("gmail"), host);
            assertFalse(console.field("Port").getDomProperty("value").isBlank());

            // failed jobs go to the channel
            console.open("/notifications/preferences");
            console.chooseValue("Events", "job.failed");
            console.chooseValue("Channel", channelId);
            console.chooseValue("From severity", "error");
            console.chooseValue("Whose events", "everyone");
            console.click("preference-create");
            console.await(LIVE, d -> console.has("preferences-notice"));
            BROWSER.assertNoErrors();
            assertTrue(console.text("preferences-notice").startsWith("Preference "), console.text("preferences-notice"));

            // a job fails while the receiver answers 500: two attempts, then failed
            receiver.answer(PATH, new NotificationReceiver.Answer(500, "down for maintenance", Duration.ZERO));
            String job = runner.submit("console-notify-" + System.nanoTime());
            runner.move(job, "\"status\":\"processing\",\"logs\":\"epoch 1\"");
            runner.move(job, "\"status\":\"failed\",\"error\":\"CUDA out of memory\"");
            String delivery = failedDelivery(channelId, job);
            List<NotificationReceiver.Received> refused = receiver.received(r -> r.path().equals(PATH) && r.answered() == 500
                    && r.body().contains(job));
            assertFalse(refused.isEmpty(), "the failed attempts reached the receiver");
            String webhookId = refused.get(refused.size() - 1).header("webhook-id");

            // the admin finds it with the history's filters and retries it once the receiver is back
            console.open("/notifications/history");
            console.chooseValue("Channel", channelId);
            console.chooseValue("Status", "failed");
            console.click("history-apply");
            console.await(LIVE, d -> console.has("retry-" + delivery));
            BROWSER.assertNoErrors();
            assertTrue(console.text("delivery-" + delivery).contains("HTTP 500"), console.text("delivery-" + delivery));
            receiver.answer(PATH, new NotificationReceiver.Answer(200, "ok", Duration.ZERO));
            console.click("retry-" + delivery);
            console.await(LIVE, d -> console.has("history-notice"));
            BROWSER.assertNoErrors();
            assertEquals("failed", console.field("Status").getDomProperty("value"), "the filters stay as chosen");
            List<NotificationReceiver.Received> accepted = Eventually.until(LIVE,
                    () -> receiver.received(r -> r.path().equals(PATH) && r.accepted() && r.body().contains(job)),
                    l -> !l.isEmpty());
            assertFalse(accepted.isEmpty(), "the retried delivery did not arrive");
            assertEquals(Boolean.TRUE, accepted.get(0).verified());
            assertEquals(webhookId, accepted.get(0).header("webhook-id"), "a redelivery carries the event's webhook-id");
            String shown = Eventually.until(LIVE, () -> {
                console.open("/notifications/history?channel_id=" + channelId);
                return console.text("delivery-status-" + delivery);
            }, "delivered"::equals);
            assertEquals("delivered", shown);

            everyNotificationsPageFitsAPhone(channelId);

            // deleted behind the confirmation htmx asks for
            console.open("/notifications");
            console.click("delete-" + channelId);
            BROWSER.await(LIVE, ExpectedConditions.alertIsPresent()).accept();
            console.await(LIVE, d -> console.has("channels-notice") && !console.has("channel-" + channelId));
            BROWSER.assertNoErrors();
            assertEquals(404, asAdmin("GET", "/api/cloud/notifications/channels/" + channelId, null).status());
            channel = null;
            console.signOut();
        } finally {
            if (channel != null) {
                asAdmin("DELETE", "/api/cloud/notifications/channels/" + channel, null);
            }
        }
    }

    @Test
    void aPersonMutesTheirRoutineJobEventsAndAViewerOnlyReads() {
        String username = "muter" + (1000 + new Random().nextInt(9000));
        String password = "correct horse battery staple " + username;
        Http.Reply user = asAdmin("POST", "/api/users", "{\"username\": \"" + username + "\", \"display_name\": \"Muter\","
                + " \"email\": \"" + username + "@example.com\", \"password\": \"" + password + "\", \"role\": \"viewer\"}");
        assertEquals(201, user.status(), user.body());
        String userId = user.json().get("id").asText();
        console.signIn(username, password);

        console.open("/notifications/preferences");
        assertEquals("false", console.driver().findElement(By.id("mute-toggle")).getAttribute("aria-pressed"));
        console.click("mute-toggle");
        console.await(LIVE, d -> "true".equals(d.findElement(By.id("mute-toggle")).getAttribute("aria-pressed")));
        BROWSER.assertNoErrors();
        assertTrue(console.text("mute-state").startsWith("Muted"), console.text("mute-state"));
        assertTrue(mutes(userId) > 0, "the mute is stored for the person");
        console.click("mute-toggle");
        console.await(LIVE, d -> "false".equals(d.findElement(By.id("mute-toggle")).getAttribute("aria-pressed")));
        BROWSER.assertNoErrors();
        assertEquals(0, mutes(userId));

        // a viewer reads the channels and is offered no change; the history is an admin's
        console.open("/notifications");
        assertTrue(console.has("channels-read-only"));
        assertFalse(console.has("channel-create-form"));
        assertFalse(console.has("tab-history"));
        String refusal = console.openRefused("/notifications/history", 403);
        assertTrue(refusal.contains("admin"), refusal);
        console.signOut();
    }

    private long mutes(String userId) {
        Http.Reply reply = asAdmin("GET", "/api/cloud/notifications/preferences?scope=user&scope_id=" + userId, null);
        assertEquals(200, reply.status(), reply.body());
        long count = 0;
        for (JsonNode p : reply.json().get("preferences")) {
            if (p.path("mute").asBoolean() && userId.equals(p.path("scope_id").asText())) {
                count++;
            }
        }
        return count;
    }

    /** The id of the job's delivery to the channel, once it has failed. */
    private String failedDelivery(String channel, String job) {
        JsonNode entry = Eventually.until(LIVE, () -> {
            Http.Reply reply = asAdmin("GET", "/api/cloud/notifications/history?status=failed&channel_id=" + channel, null);
            assertEquals(200, reply.status(), reply.body());
            for (JsonNode e : reply.json().get("entries")) {
                if (job.equals(e.path("job_id").asText()) && "job.failed".equals(e.path("event_type").asText())) {
                    return e;
                }
            }
            return null;
        }, e -> e != null);
        assertNotNull(entry, "the job's delivery did not fail");
        return entry.get("id").asText();
    }

    /** At 390 pixels wide every notifications page lays itself out in the viewport. */
    private void everyNotificationsPageFitsAPhone(String channel) {
        BROWSER.phone();
        try {
            for (String path : List.of("/notifications", "/notifications/channels/" + channel, "/notifications/preferences",
                    "/notifications/history")) {
                console.open(path);
                assertEquals(List.of(), BROWSER.overflowing(Browser.PHONE_WIDTH), path + " is wider than a phone");
            }
        } finally {
            BROWSER.desktop();
        }
    }
}
