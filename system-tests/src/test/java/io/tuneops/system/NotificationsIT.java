package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications end to end, through the gateway with an admin key: a Standard Webhooks endpoint
 * (/api/webhooks), a Slack channel pointing at a local Slack-shaped receiver and an e-mail channel
 * on a real SMTP server in this JVM (GreenMail), with preferences; two generic jobs driven by signed
 * status reports to completed and failed. Every event webhook verifies with the reference Standard
 * Webhooks library and carries its event id as webhook-id, Slack gets its message shape, the
 * on-call address gets the failure by mail, the test actions report what the far end answered,
 * and the history lists each delivery.
 */
@ExtendWith(Suite.Extension.class)
class NotificationsIT {

    private static final String SMTP_USER = "tuneops-notify";
    private static final String SMTP_PASSWORD = "smtp-password-never-shown-0123";
    private static final String SLACK_PATH = "/slack/services/T0001/B0001/slacksecretpath0123";
    private static final String HOOK_PATH = "/hooks/tuneops";
    private static final Set<String> JOB_EVENTS = Set.of("job.submitted", "job.started", "job.completed", "job.failed");

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("tuneops@example.com", SMTP_USER, SMTP_PASSWORD));

    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address for the management calls (their rate-limit windows are per address). */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    private Http.Reply admin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    private JsonNode created(String path, String body) {
        Http.Reply reply = admin("POST", path, body);
        assertEquals(201, reply.status(), path + " " + body + ": " + reply.body());
        return reply.json();
    }

    @Test
    void jobEventsReachASignedWebhookSlackAndEmailAndTheHistoryListsThem() throws Exception {
        List<String> cleanup = new ArrayList<>();
        try (NotificationReceiver receiver = new NotificationReceiver();
             GenericRunner runner = new GenericRunner(suite, "10.23")) {
            // ---- a Standard Webhooks endpoint: its secret is shown once, never again
            JsonNode endpoint = created("/api/webhooks", "{\"url\": \"" + receiver.url(HOOK_PATH) + "\", \"event_types\": "
                    + "[\"job.submitted\", \"job.started\", \"job.completed\", \"job.failed\"], \"description\": \"notifications IT\"}");
            String endpointId = endpoint.get("id").asText();
            cleanup.add("/api/webhooks/" + endpointId);
            assertTrue(endpointId.startsWith("nch_"), endpoint.toString());
            String secret = endpoint.path("secret").asText();
            assertTrue(secret.startsWith("whsec_"), endpoint.toString());
            receiver.verifyWith(HOOK_PATH, secret);
            Http.Reply listed = admin("GET", "/api/webhooks", null);
            assertEquals(200, listed.status(), listed.body());
            assertTrue(listed.body().contains(endpointId), listed.body());
            assertFalse(listed.body().contains(secret.substring("whsec_".length())), "the secret is shown once only");
            JsonNode read = admin("GET", "/api/webhooks/" + endpointId, null).json();
            assertTrue(read.get("secret_configured").asBoolean(), read.toString());
            assertEquals(receiver.url(HOOK_PATH), read.get("url").asText());

            // ---- Slack: the incoming-webhook URL is a secret too
            JsonNode slack = created("/api/cloud/notifications/channels", "{\"channel_type\": \"slack\", \"name\": \"ml-alerts (IT)\","
                    + " \"slack_webhook_url\": \"" + receiver.url(SLACK_PATH) + "\"}");
            String slackId = slack.get("id").asText();
            cleanup.add("/api/cloud/notifications/channels/" + slackId);
            assertEquals("slack", slack.get("channel_type").asText());
            assertFalse(slack.toString().contains("slacksecretpath"), slack.toString());

            // ---- e-mail over SMTP with authentication, no TLS (the in-JVM server)
            JsonNode email = created("/api/cloud/notifications/channels", "{\"channel_type\": \"email\", \"name\": \"on-call mail (IT)\","
                    + " \"smtp_host\": \"127.0.0.1\", \"smtp_port\": " + SMTP.getSmtp().getPort() + ", \"smtp_security\": \"none\","
                    + " \"smtp_username\": \"" + SMTP_USER + "\", \"smtp_password\": \"" + SMTP_PASSWORD + "\","
                    + " \"smtp_from_address\": \"tuneops@example.com\", \"smtp_from_name\": \"tuneops\"}");
            String emailId = email.get("id").asText();
            cleanup.add("/api/cloud/notifications/channels/" + emailId);
            assertEquals("none", email.get("smtp_security").asText(), email.toString());
            assertEquals(SMTP_USER, email.get("smtp_username").asText());
            assertFalse(email.toString().contains(SMTP_PASSWORD), email.toString());
            Http.Reply channels = admin("GET", "/api/cloud/notifications/channels", null);
            assertEquals(200, channels.status(), channels.body());
            assertTrue(channels.body().contains(slackId) && channels.body().contains(emailId), channels.body());
            assertFalse(channels.body().contains(SMTP_PASSWORD) || channels.body().contains("slacksecretpath")
                    || channels.body().contains(secret.substring("whsec_".length())), channels.body());

            // ---- preferences: every job event to Slack, failures by mail to the on-call address; bad input changes nothing
            Http.Reply bad = admin("POST", "/api/cloud/notifications/preferences",
                    "{\"event_type\": \"job.exploded\", \"channel_id\": \"" + slackId + "\", \"min_severity\": \"loud\"}");
            assertEquals(400, bad.status(), bad.body());
            List<String> fields = new ArrayList<>();
            bad.json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
            assertTrue(fields.containsAll(List.of("event_type", "min_severity")), bad.body());
            JsonNode slackPref = created("/api/cloud/notifications/preferences", "{\"event_type\": \"job.*\", \"channel_id\": \""
                    + slackId + "\", \"min_severity\": \"info\"}");
            cleanup.add(0, "/api/cloud/notifications/preferences/" + slackPref.get("id").asText());
            assertEquals("everyone", slackPref.get("scope").asText(), "an admin's preference is for everyone by default");
            JsonNode mailPref = created("/api/cloud/notifications/preferences", "{\"event_type\": \"job.failed\", \"channel_id\": \""
                    + emailId + "\", \"min_severity\": \"error\", \"recipients\": [\"oncall@example.com\"]}");
            cleanup.add(0, "/api/cloud/notifications/preferences/" + mailPref.get("id").asText());
            JsonNode prefs = admin("GET", "/api/cloud/notifications/preferences?channel_id=" + emailId, null).json();
            assertEquals(1, prefs.get("preferences").size(), prefs.toString());
            assertEquals("oncall@example.com", prefs.get("preferences").get(0).get("recipients").get(0).asText());

            // ---- test actions report what the far end said
            receiver.answer(SLACK_PATH, new NotificationReceiver.Answer(404, "no_service", Duration.ZERO));
            JsonNode slackDown = test("/api/cloud/notifications/channels/" + slackId + "/test");
            assertFalse(slackDown.get("success").asBoolean(), slackDown.toString());
            assertEquals(404, slackDown.get("status_code").asInt(), slackDown.toString());
            assertEquals("slack", slackDown.get("channel_type").asText());
            assertFalse(slackDown.path("error").asText().isBlank(), slackDown.toString());
            receiver.answer(SLACK_PATH, new NotificationReceiver.Answer(200, "ok", Duration.ZERO));
            JsonNode slackUp = test("/api/cloud/notifications/channels/" + slackId + "/test");
            assertTrue(slackUp.get("success").asBoolean(), slackUp.toString());
            assertEquals(200, slackUp.get("status_code").asInt(), slackUp.toString());
            assertTrue(slackUp.get("latency_ms").asLong() >= 0, slackUp.toString());
            JsonNode hookTest = test("/api/webhooks/" + endpointId + "/test");
            assertTrue(hookTest.get("success").asBoolean(), hookTest.toString());
            NotificationReceiver.Received testCall = receiver.received(r -> r.path().equals(HOOK_PATH)).get(0);
            assertEquals(Boolean.TRUE, testCall.verified(), "the test message is signed like every delivery: " + testCall);
            JsonNode mailTest = test("/api/cloud/notifications/channels/" + emailId + "/test");
            assertTrue(mailTest.get("success").asBoolean(), mailTest.toString());
            assertTrue(SMTP.waitForIncomingEmail(10_000, 1), "the test e-mail arrives");
            SMTP.purgeEmailFromAllMailboxes();
            assertEquals(404, admin("POST", "/api/cloud/notifications/channels/nch_doesnotexist/test", "{}").status());
            int testCalls = receiver.received().size();

            // ---- two jobs: one completes, one fails
            String okName = "notify-it-ok-" + System.nanoTime();
            String failName = "notify-it-fail-" + System.nanoTime();
            String ok = runner.submit(okName);
            String failing = runner.submit(failName);
            runner.move(ok, "\"status\":\"processing\",\"logs\":\"epoch 1\"");
            runner.move(failing, "\"status\":\"processing\",\"logs\":\"epoch 1\"");
            runner.move(ok, "\"status\":\"succeeded\",\"output\":\"https://example.com/lora.safetensors\",\"metrics\":{\"predict_time\":500}");
            runner.move(failing, "\"status\":\"failed\",\"error\":\"CUDA out of memory\"");

            // ---- the signed webhooks: six events, each verified, webhook-id = the event's id
            List<NotificationReceiver.Received> hooks = Eventually.until(Duration.ofSeconds(30),
                    () -> receiver.received(r -> r.path().equals(HOOK_PATH) && r.accepted() && mentions(r, ok, failing)),
                    l -> types(l).size() >= 6);
            assertEquals(Set.of(ok + " job.submitted", ok + " job.started", ok + " job.completed",
                    failing + " job.submitted", failing + " job.started", failing + " job.failed"), types(hooks), hooks.toString());
            for (NotificationReceiver.Received hook : hooks) {
                assertEquals(Boolean.TRUE, hook.verified(), "Standard Webhooks signature of " + hook);
                assertEquals("application/json", hook.header("content-type").split(";")[0].strip());
                JsonNode body = hook.json();
                String type = body.get("type").asText();
                assertTrue(JOB_EVENTS.contains(type), type);
                assertFalse(body.get("timestamp").asText().isBlank(), body.toString());
                JsonNode data = body.get("data");
                assertEquals(hook.header("webhook-id"), data.get("event_id").asText(), "webhook-id is the event id");
                assertTrue(hook.header("webhook-id").startsWith("evt_"), hook.header("webhook-id"));
                String job = data.get("job_id").asText();
                assertEquals(job.equals(ok) ? okName : failName, data.get("name").asText(), body.toString());
                assertEquals("generic", data.get("provider").asText(), body.toString());
                assertTrue(data.get("url").asText().endsWith("/jobs/" + job), body.toString());
                assertFalse(data.get("title").asText().isBlank(), body.toString());
                assertFalse(data.get("message").asText().isBlank(), body.toString());
                assertEquals(type.equals("job.failed") ? "error" : "info", data.get("severity").asText(), body.toString());
                if (type.equals("job.failed")) {
                    assertEquals("failed", data.get("status").asText());
                    assertEquals("CUDA out of memory", data.get("error").asText(), body.toString());
                }
                if (type.equals("job.completed")) {
                    assertEquals("completed", data.get("status").asText());
                    assertEquals(1.0, data.get("cost_usd").asDouble(), 1e-9, body.toString());
                }
            }
            assertEquals(6, hooks.stream().map(h -> h.header("webhook-id")).distinct().count(), "one event id per event");

            // ---- Slack: text with the title and link, a section block and the type and severity as context
            List<NotificationReceiver.Received> slackCalls = Eventually.until(Duration.ofSeconds(30),
                    () -> receiver.received(r -> r.path().equals(SLACK_PATH) && mentions(r, ok, failing)), l -> l.size() >= 6);
            assertEquals(6, slackCalls.size(), slackCalls.toString());
            NotificationReceiver.Received failure = slackCalls.stream()
                    .filter(r -> r.body().contains(failing) && r.body().contains("job.failed")).findFirst().orElseThrow();
            JsonNode message = failure.json();
            assertTrue(message.get("text").asText().contains("/jobs/" + failing), message.toString());
            JsonNode blocks = message.get("blocks");
            assertEquals("section", blocks.get(0).get("type").asText(), message.toString());
            assertEquals("mrkdwn", blocks.get(0).get("text").get("type").asText(), message.toString());
            assertTrue(blocks.get(0).get("text").get("text").asText().contains(failName), message.toString());
            assertEquals("context", blocks.get(1).get("type").asText(), message.toString());
            assertEquals("job.failed · error", blocks.get(1).get("elements").get(0).get("text").asText(), message.toString());
            assertEquals("application/json", failure.header("content-type").split(";")[0].strip());

            // ---- e-mail: the failure only, to the on-call address, with its link
            assertTrue(SMTP.waitForIncomingEmail(30_000, 1), "the failure e-mail arrives");
            MimeMessage[] mails = SMTP.getReceivedMessages();
            assertEquals(1, mails.length, "only job.failed goes by mail: " + Arrays.stream(mails).map(NotificationsIT::subject).toList());
            MimeMessage mail = mails[0];
            assertTrue(mail.getSubject().startsWith("[tuneops] "), mail.getSubject());
            assertEquals("oncall@example.com", mail.getRecipients(Message.RecipientType.TO)[0].toString());
            assertTrue(mail.getFrom()[0].toString().contains("tuneops@example.com"), mail.getFrom()[0].toString());
            String content = plainText(mail);
            assertTrue(content.contains("/jobs/" + failing), content);
            assertTrue(content.contains(failName), content);

            // ---- history: each delivery, with channel, status, attempts and latency; per endpoint too
            JsonNode history = Eventually.until(Duration.ofSeconds(15),
                    () -> admin("GET", "/api/cloud/notifications/history?job_id=" + failing + "&limit=50", null).json(),
                    h -> h.path("entries").size() >= 7 && allDelivered(h));
            // the failing job: three events to the endpoint and to Slack, the failure by mail
            assertEquals(7, history.get("entries").size(), history.toString());
            assertTrue(allDelivered(history), history.toString());
            Map<String, Long> byChannel = new java.util.TreeMap<>();
            history.get("entries").forEach(e -> byChannel.merge(e.get("channel_type").asText(), 1L, Long::sum));
            assertEquals(Map.of("email", 1L, "slack", 3L, "webhook", 3L), byChannel, history.toString());
            for (JsonNode entry : history.get("entries")) {
                assertEquals(failing, entry.get("job_id").asText(), entry.toString());
                assertTrue(entry.get("attempts").asInt() >= 1, entry.toString());
                assertTrue(entry.get("latency_ms").isNumber(), entry.toString());
                assertTrue(entry.get("event_id").asText().startsWith("evt_"), entry.toString());
                if (entry.get("channel_type").asText().equals("email")) {
                    assertEquals("oncall@example.com", entry.get("recipient").asText(), entry.toString());
                    assertEquals("job.failed", entry.get("event_type").asText());
                    assertEquals("error", entry.get("severity").asText());
                }
            }
            JsonNode onlyMail = admin("GET", "/api/cloud/notifications/history?channel_id=" + emailId + "&status=delivered", null).json();
            assertEquals(1, onlyMail.get("entries").size(), onlyMail.toString());
            assertEquals(1, onlyMail.get("total").asLong(), onlyMail.toString());
            JsonNode endpointHistory = admin("GET", "/api/webhooks/" + endpointId + "/history", null).json();
            Set<String> endpointEvents = new java.util.HashSet<>();
            endpointHistory.get("entries").forEach(e -> endpointEvents.add(e.get("event_id").asText()));
            assertTrue(endpointEvents.containsAll(hooks.stream().map(h -> h.header("webhook-id")).toList()), endpointHistory.toString());
            Http.Reply retry = admin("POST", "/api/cloud/notifications/history/" + history.get("entries").get(0).get("id").asText()
                    + "/retry", "{}");
            assertEquals(409, retry.status(), "only a failed delivery is retried: " + retry.body());

            // ---- status
            JsonNode status = admin("GET", "/api/cloud/notifications/status", null).json();
            assertTrue(status.at("/channels/total").asInt() >= 3, status.toString());
            assertTrue(status.at("/channels/by_type/email").asInt() >= 1, status.toString());
            assertTrue(status.at("/stats/delivered_24h").asLong() >= 13, status.toString());
            assertTrue(receiver.received().size() > testCalls);
        } finally {
            for (String path : cleanup) {
                admin("DELETE", path, null);
            }
        }
        String preferences = admin("GET", "/api/cloud/notifications/preferences", null).body();
        for (String path : cleanup) {
            String id = path.substring(path.lastIndexOf('/') + 1);
            if (path.contains("/preferences/")) {
                assertFalse(preferences.contains(id), path + " deleted");
            } else {
                assertEquals(404, admin("GET", path, null).status(), path + " deleted");
            }
        }
    }

    private JsonNode test(String path) {
        Http.Reply reply = admin("POST", path, "{}");
        assertEquals(200, reply.status(), path + ": " + reply.body());
        JsonNode result = reply.json();
        assertNotNull(result.get("success"), result.toString());
        return result;
    }

    private static boolean mentions(NotificationReceiver.Received r, String... jobs) {
        return Arrays.stream(jobs).anyMatch(j -> r.body().contains("\"" + j + "\"") || r.body().contains("/jobs/" + j));
    }

    /** "job type" of each event webhook, for the set of what arrived. */
    private static Set<String> types(List<NotificationReceiver.Received> hooks) {
        return hooks.stream().map(h -> h.json().at("/data/job_id").asText() + " " + h.json().get("type").asText())
                .collect(Collectors.toSet());
    }

    private static boolean allDelivered(JsonNode history) {
        for (JsonNode e : history.path("entries")) {
            if (!"delivered".equals(e.path("delivery_status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** The decoded text/plain part (the raw body may be quoted-printable, with soft line breaks inside the link). */
    private static String plainText(jakarta.mail.Part part) throws Exception {
        Object content = part.getContent();
        if (content instanceof jakarta.mail.Multipart multipart) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                out.append(plainText(multipart.getBodyPart(i)));
            }
            return out.toString();
        }
        return part.isMimeType("text/plain") && content instanceof String text ? text : "";
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            return e.toString();
        }
    }
}
