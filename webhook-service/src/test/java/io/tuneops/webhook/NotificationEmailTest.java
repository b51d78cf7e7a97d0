package io.tuneops.webhook;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** E-mail through a real SMTP server in the JVM (GreenMail): plain SMTP without STARTTLS, and with authentication. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationEmailTest {

    private static GreenMail plain;
    private static GreenMail authenticated;

    @Inject
    Pool pool;

    private final List<String> channels = new ArrayList<>();

    @BeforeAll
    static void startSmtp() {
        plain = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        plain.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        plain.start();
        authenticated = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        authenticated.withConfiguration(GreenMailConfiguration.aConfig().withUser("bot@example.com", "bot", "s3cret-pass"));
        authenticated.start();
    }

    @AfterAll
    static void stopSmtp() {
        plain.stop();
        authenticated.stop();
    }

    @AfterEach
    void deleteChannels() {
        channels.forEach(id -> Caller.admin().delete("/api/cloud/notifications/channels/" + id));
    }

    private String channel(GreenMail server, JsonObject extra) {
        JsonObject body = new JsonObject().put("channel_type", "email").put("name", "mail").put("smtp_host", "127.0.0.1")
                .put("smtp_port", server.getSmtp().getPort()).put("smtp_security", "none")
                .put("smtp_from_address", "bot@example.com").put("smtp_from_name", "tuneops bot").mergeIn(extra);
        String id = Caller.admin().body(body.encode()).post("/api/cloud/notifications/channels").then().statusCode(201)
                .extract().path("id");
        channels.add(id);
        return id;
    }

    private static Set<String> recipients(MimeMessage[] messages) throws Exception {
        Set<String> to = new TreeSet<>();
        for (MimeMessage m : messages) {
            for (Address a : m.getAllRecipients()) {
                to.add(a.toString());
            }
        }
        return to;
    }

    @Test
    void anEventReachesEveryRecipientOfTheMatchingPreferencesInOneMessage() throws Exception {
        plain.reset();
        String channel = channel(plain, new JsonObject());
        String user = NotifyFixtures.id("usr");
        String team = NotifyFixtures.id("team");
        Caller.person(user, "viewer", "org_1", team).body(new JsonObject().put("event_type", "job.completed").put("channel_id", channel)
                .put("recipients", new JsonArray().add("owner@example.com")).encode()).post("/api/cloud/notifications/preferences")
                .then().statusCode(201);
        Caller.admin().body(new JsonObject().put("event_type", "job.*").put("channel_id", channel).put("scope", "team")
                        .put("scope_id", team).put("recipients", new JsonArray().add("team@example.com").add("owner@example.com")).encode())
                .post("/api/cloud/notifications/preferences").then().statusCode(201);
        String eventId = NotifyFixtures.ingest(new JsonObject().put("event_type", "job.completed").put("user_id", user)
                .put("team_id", team).put("job_id", "job_mail").put("data", new JsonObject().put("job_id", "job_mail")
                        .put("name", "sdxl dreambooth").put("provider", "replicate").put("cost_usd", 3.25)));
        Poll.until(Duration.ofSeconds(20), "delivered", () -> "delivered".equals(NotifyFixtures.status(pool, eventId, channel)));
        assertTrue(plain.waitForIncomingEmail(5000, 2));
        MimeMessage[] messages = plain.getReceivedMessages();
        assertEquals(Set.of("owner@example.com", "team@example.com"), recipients(messages));
        MimeMessage m = messages[0];
        assertEquals("[tuneops] Job 'sdxl dreambooth' completed", m.getSubject());
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        assertEquals("tuneops bot", from.getPersonal());
        assertEquals("bot@example.com", from.getAddress());
        String content = GreenMailUtil.getBody(m);
        assertTrue(content.contains("finished successfully on replicate") && content.contains("Cost: $3.25."), content);
        assertTrue(content.contains("http://localhost:8080/jobs/job_mail"), content);
        assertTrue(content.contains("text/html"), "an HTML part besides the text");
        assertEquals(250, NotifyFixtures.delivery(pool, eventId, channel).getInteger("last_status_code"));
    }

    @Test
    void authenticationIsUsedAndAWrongPasswordIsReportedByTheTest() throws Exception {
        authenticated.reset();
        String channel = channel(authenticated, new JsonObject().put("smtp_username", "bot").put("smtp_password", "wrong"));
        Caller.admin().post("/api/cloud/notifications/channels/" + channel + "/test").then().statusCode(200)
                .body("success", equalTo(false)).body("channel_type", equalTo("email")).body("status_code", equalTo(535))
                .body("error", containsString("535"));
        assertEquals(0, authenticated.getReceivedMessages().length);

        Caller.admin().body("{\"smtp_password\": \"s3cret-pass\"}").patch("/api/cloud/notifications/channels/" + channel)
                .then().statusCode(200);
        Caller.admin().body("{\"recipients\": [\"ops@example.com\"]}").post("/api/cloud/notifications/channels/" + channel + "/test")
                .then().statusCode(200).body("success", equalTo(true)).body("status_code", equalTo(250)).body("error", equalTo(null));
        assertTrue(authenticated.waitForIncomingEmail(5000, 1));
        MimeMessage m = authenticated.getReceivedMessages()[0];
        assertEquals("[tuneops] Test notification", m.getSubject());
        assertEquals(List.of("ops@example.com"), Arrays.stream(m.getAllRecipients()).map(Address::toString).toList());
    }

    @Test
    void aTestOfAnUnreachableServerReportsTheFailure() {
        String channel = Caller.admin().body(new JsonObject().put("channel_type", "email").put("name", "nowhere")
                .put("smtp_host", "127.0.0.1").put("smtp_port", 1).put("smtp_security", "none")
                .put("smtp_from_address", "bot@example.com").encode()).post("/api/cloud/notifications/channels")
                .then().statusCode(201).extract().path("id");
        channels.add(channel);
        Caller.admin().post("/api/cloud/notifications/channels/" + channel + "/test").then().statusCode(200)
                .body("success", equalTo(false)).body("error", containsString("127.0.0.1"));
    }
}
