package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.tuneops.console.Browser.Scope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications: channels (a preset filling the SMTP server, a webhook's generated secret shown
 * once, the test action's answer, edit and delete), preferences (one's own, an admin's for a
 * team, the mute toggle) and the delivery history with its filters, paging and retry.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class NotificationsPagesTest {

    private static final String CHANNELS = FakeNotifications.BASE + "/channels";
    private final FakeOwners owners = FakeOwners.get();

    @BeforeEach
    void reset() {
        owners.reset();
    }

    /** A signed-in person: the gateway vouches their user id too. */
    private static RequestSpecification person(Scope scope, String user) {
        return Browser.as(scope).header("X-Tuneops-User", user);
    }

    private static RequestSpecification personForm(Scope scope, String user) {
        return Browser.form(scope).header("X-Tuneops-User", user);
    }

    // ---- Channels ----

    @Test
    void everyoneReadsTheChannelsWithoutTheirSecretsAndOnlyAdminsChangeThem() {
        String html = Browser.as(Scope.VIEWER).get("/notifications").then().statusCode(200).extract().asString();
        Document page = Browser.html(html);
        assertTrue(page.getElementById("channel-nch_mail").text().contains("tuneops@example.com via smtp.example.com:587"));
        assertTrue(page.getElementById("channel-nch_down").text().contains("https://hooks.example.com/down"));
        assertEquals("/notifications/channels/nch_mail", page.getElementById("channel-link-nch_mail").attr("href"));
        assertFalse(html.contains("stored-smtp-password"));
        assertNull(page.getElementById("channel-create-form"), "a viewer creates no channel");
        assertNull(page.getElementById("test-nch_mail"));
        assertNotNull(page.getElementById("channels-read-only"));
        assertEquals("page", page.getElementById("tab-channels").attr("aria-current"));
        assertNull(page.getElementById("tab-history"), "the history is an admin's");
        assertEquals("page", page.getElementById("nav-notifications").attr("aria-current"));

        Document admin = Browser.html(Browser.as(Scope.ADMIN).get("/notifications").asString());
        assertNotNull(admin.getElementById("channel-create-form"));
        assertNotNull(admin.getElementById("test-nch_mail"));
        assertNotNull(admin.getElementById("tab-history"));
        for (Element control : admin.select("#channel-create-form input:not([type=hidden]), #channel-create-form select")) {
            assertFalse(admin.select("label[for=" + control.id() + "]").text().isBlank(), control.id() + " has no label");
        }
    }

    @Test
    void aPresetFillsTheSmtpServerPortAndSecurity() {
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/notifications?preset=ses").then().statusCode(200)
                .extract().asString());
        assertEquals("email-smtp.us-east-1.amazonaws.com", page.getElementById("channel-smtp-host").attr("value"));
        assertEquals("465", page.getElementById("channel-smtp-port").attr("value"));
        assertEquals("tls", page.select("#channel-smtp-security option[selected]").attr("value"));
        assertEquals("ses", page.select("#channel-preset option[selected]").attr("value"));
        assertEquals("email", page.select("#channel-type option[selected]").attr("value"));
        // htmx swaps just these fields in when a preset is chosen
        Element server = page.getElementById("smtp-server");
        assertEquals("/notifications", server.attr("hx-get"));
        assertEquals("#channel-preset", server.attr("hx-include"));
        assertEquals("#smtp-server", server.attr("hx-select"));
    }

    @Test
    void aWebhookChannelsGeneratedSecretIsShownOnce() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("channel_type", "webhook").formParam("name", " CI hook ")
                .formParam("is_enabled", "true").formParam("webhook_url", "https://ci.example.com/hook")
                .formParam("event_types", "job.failed").formParam("event_types", "job.completed")
                .formParam("smtp_host", "ignored.example.com").post("/notifications").then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("channel_type", "webhook").put("name", "CI hook").put("is_enabled", true)
                .put("webhook_url", "https://ci.example.com/hook").put("event_types", new JsonArray().add("job.failed")
                        .add("job.completed")), owners.lastBody("POST", CHANNELS), "only the webhook's fields are sent");
        assertEquals(FakeNotifications.GENERATED_SECRET, page.getElementById("created-secret-value").text());
        assertEquals("created-secret-value", page.getElementById("copy-created-secret").attr("data-copy-target"));
        assertEquals("Channel CI hook was created (nch_new1).", page.getElementById("channels-notice").text());
        assertNotNull(page.getElementById("channel-nch_new1"), "the list shows the new channel");
        assertEquals("", page.getElementById("channel-name").attr("value"), "the form is empty again");
        assertFalse(Browser.as(Scope.ADMIN).get("/notifications").asString().contains(FakeNotifications.GENERATED_SECRET));
    }

    @Test
    void anEmailChannelWithAPresetLeavesTheServerToThePresetAndNeverEchoesThePassword() {
        Document page = Browser.html(Browser.form(Scope.ADMIN).formParam("channel_type", "email").formParam("name", "Gmail")
                .formParam("is_enabled", "true").formParam("preset", "gmail").formParam("smtp_host", "")
                .formParam("smtp_security", "starttls").formParam("smtp_username", "ops@gmail.com")
                .formParam("smtp_password", " app password ").formParam("smtp_from_address", "ops@gmail.com")
                .post("/notifications").then().statusCode(200).extract().asString());
        JsonObject sent = owners.lastBody("POST", CHANNELS);
        assertEquals("gmail", sent.getString("preset"));
        assertFalse(sent.containsKey("smtp_host") || sent.containsKey("smtp_security"), "the preset decides: " + sent);
        assertEquals(" app password ", sent.getString("smtp_password"), "a password is sent as typed");
        assertEquals(" app password ", owners.notifications.secrets.get("nch_new1"));
        assertEquals("smtp.gmail.com", owners.notifications.channels.get("nch_new1").getString("smtp_host"));
        assertNull(page.getElementById("created-secret"), "an email channel has no generated secret");
        assertFalse(page.outerHtml().contains("app password"));
    }

    @Test
    void aRefusedChannelIsShownNextToItsFieldsAndKeepsWhatWasTypedButTheSecret() {
        Document refused = Browser.html(Browser.form(Scope.ADMIN).formParam("channel_type", "webhook").formParam("name", "hook")
                .formParam("webhook_url", "ftp://files.example.com").formParam("webhook_secret", "whsec_typed-but-refused")
                .formParam("event_types", "job.failed").post("/notifications").then().statusCode(200).extract().asString());
        assertEquals("must be an http:// or https:// URL", refused.getElementById("channel-webhook-url-error").text());
        assertEquals("true", refused.getElementById("channel-webhook-url").attr("aria-invalid"));
        assertTrue(refused.getElementById("channel-webhook-url").attr("aria-describedby").contains("channel-webhook-url-error"));
        assertEquals("ftp://files.example.com", refused.getElementById("channel-webhook-url").attr("value"));
        assertEquals("Invalid channel", refused.getElementById("channel-create-error").text());
        assertEquals("webhook", refused.select("#channel-type option[selected]").attr("value"));
        assertTrue(refused.getElementById("channel-event-job.failed").hasAttr("checked"));
        assertFalse(refused.getElementById("channel-event-job.completed").hasAttr("checked"));
        assertFalse(refused.outerHtml().contains("whsec_typed-but-refused"), "a refused form does not echo the secret");

        Document local = Browser.html(Browser.form(Scope.ADMIN).formParam("channel_type", "email").formParam("name", "mail")
                .formParam("smtp_host", "smtp.example.com").formParam("smtp_port", "99999").post("/notifications").asString());
        assertEquals("must be a whole number from 1 to 65535", local.getElementById("channel-smtp-port-error").text());
        assertEquals("99999", local.getElementById("channel-smtp-port").attr("value"));
        assertEquals(1, owners.requests("POST", CHANNELS).size(), "refused before asking the owner");
        Browser.form(Scope.OPERATOR).formParam("channel_type", "slack").post("/notifications").then().statusCode(403);
    }

    @Test
    void aChannelIsChangedWithItsSecretKeptUnlessReplacedOrRemoved() {
        Document form = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/channels/nch_mail").asString());
        assertEquals("smtp.example.com", form.getElementById("channel-smtp-host").attr("value"));
        assertEquals("", form.getElementById("channel-smtp-password").attr("value"));
        assertTrue(form.getElementById("channel-smtp-password-state").text().startsWith("Configured"));
        assertNull(form.getElementById("channel-webhook-url"), "an email channel shows the email fields only");

        Browser.form(Scope.ADMIN).formParam("name", "Ops mail").formParam("is_enabled", "true").formParam("smtp_host", "smtp2.example.com")
                .formParam("smtp_port", "2525").formParam("smtp_security", "tls").formParam("smtp_username", "ops")
                .formParam("smtp_password", "").formParam("smtp_from_address", "tuneops@example.com")
                .post("/notifications/channels/nch_mail").then().statusCode(303)
                .header("Location", "/notifications/channels/nch_mail?saved=1");
        JsonObject change = owners.lastBody("PATCH", CHANNELS + "/nch_mail");
        assertEquals("smtp2.example.com", change.getString("smtp_host"));
        assertEquals(2525, change.getInteger("smtp_port"));
        assertEquals("tls", change.getString("smtp_security"));
        assertFalse(change.containsKey("smtp_password"), "an empty password field keeps the password");
        assertEquals("stored-smtp-password", owners.notifications.secrets.get("nch_mail"));

        Browser.form(Scope.ADMIN).formParam("name", "Ops mail").formParam("smtp_password_clear", "true")
                .post("/notifications/channels/nch_mail").then().statusCode(303);
        assertEquals("", owners.lastBody("PATCH", CHANNELS + "/nch_mail").getString("smtp_password"), "removal sends \"\"");
        assertEquals(false, owners.notifications.channels.get("nch_mail").getBoolean("is_enabled"), "an unticked box disables");
        Document saved = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/channels/nch_mail?saved=1").asString());
        assertEquals("Saved.", saved.getElementById("channel-saved").text());
        assertTrue(saved.getElementById("channel-smtp-password-state").text().startsWith("Not configured"));
    }

    @Test
    void aRefusedChangeIsShownNextToItsFieldAndAViewerOnlyReads() {
        owners.script("PATCH", CHANNELS + "/nch_down", 400, new JsonObject().put("detail", "Invalid channel")
                .put("errors", new JsonArray().add(new JsonObject().put("field", "webhook_url")
                        .put("message", "resolves to a private address"))).encode());
        Document refused = Browser.html(Browser.form(Scope.ADMIN).formParam("name", "Broken hook")
                .formParam("webhook_url", "http://10.0.0.5/hook").formParam("webhook_secret", "whsec_new-secret-typed")
                .post("/notifications/channels/nch_down").then().statusCode(200).extract().asString());
        assertEquals("resolves to a private address", refused.getElementById("channel-webhook-url-error").text());
        assertEquals("http://10.0.0.5/hook", refused.getElementById("channel-webhook-url").attr("value"));
        assertFalse(refused.outerHtml().contains("whsec_new-secret-typed"));
        assertEquals("whsec_new-secret-typed", owners.lastBody("PATCH", CHANNELS + "/nch_down").getString("webhook_secret"));

        Document both = Browser.html(Browser.form(Scope.ADMIN).formParam("name", "Ops mail").formParam("smtp_password", "x")
                .formParam("smtp_password_clear", "true").post("/notifications/channels/nch_mail").asString());
        assertEquals("enter a new password or tick its removal, not both", both.getElementById("channel-smtp-password-error").text());
        assertTrue(owners.requests("PATCH", CHANNELS + "/nch_mail").isEmpty());

        Document viewer = Browser.html(Browser.as(Scope.VIEWER).get("/notifications/channels/nch_down").asString());
        assertTrue(viewer.getElementById("channel-fields").hasAttr("disabled"));
        assertNull(viewer.getElementById("channel-save"));
        assertNull(viewer.getElementById("channel-test"));
        assertNotNull(viewer.getElementById("channel-read-only"));
        Browser.form(Scope.VIEWER).formParam("name", "x").post("/notifications/channels/nch_down").then().statusCode(403);
        Browser.as(Scope.ADMIN).get("/notifications/channels/nch_nope").then().statusCode(404);
    }

    @Test
    void theTestActionShowsWhatTheFarEndAnswered() {
        Document failed = Browser.html(Browser.form(Scope.ADMIN).post("/notifications/channels/nch_down/test")
                .then().statusCode(200).extract().asString());
        Element result = failed.getElementById("channel-test-result");
        assertEquals("false", result.attr("data-success"));
        assertEquals("Test of Broken hook", result.selectFirst("h2").text());
        assertEquals("Failed: HTTP 503 in 31 ms.", failed.getElementById("channel-test-summary").text());
        assertEquals("HTTP 503 Service Unavailable", failed.getElementById("channel-test-error").text());
        Document delivered = Browser.html(Browser.form(Scope.ADMIN).post("/notifications/channels/nch_mail/test").asString());
        assertEquals("true", delivered.getElementById("channel-test-result").attr("data-success"));
        assertEquals("Delivered: SMTP 250 in 42 ms.", delivered.getElementById("channel-test-summary").text());
        assertNull(delivered.getElementById("channel-test-error"));
        Document unknown = Browser.html(Browser.form(Scope.ADMIN).post("/notifications/channels/nch_nope/test").asString());
        assertEquals("Not tested: No channel nch_nope", unknown.getElementById("channels-action-error").text());
        Browser.form(Scope.OPERATOR).post("/notifications/channels/nch_mail/test").then().statusCode(403);
        Browser.as(Scope.ADMIN).contentType("application/x-www-form-urlencoded").post("/notifications/channels/nch_mail/test")
                .then().statusCode(403);
        assertEquals(1, owners.requests("POST", CHANNELS + "/nch_mail/test").size(), "no test without the CSRF token");
    }

    @Test
    void aChannelIsDeletedAfterConfirmation() {
        Document list = Browser.html(Browser.as(Scope.ADMIN).get("/notifications").asString());
        assertTrue(list.getElementById("delete-nch_down").parent().attr("hx-confirm").startsWith("Delete channel Broken hook?"));
        Document confirm = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/channels/nch_down/delete").asString());
        assertEquals("/notifications/channels/nch_down/delete", confirm.getElementById("confirm-form").attr("action"));
        Browser.form(Scope.ADMIN).post("/notifications/channels/nch_down/delete").then().statusCode(303)
                .header("Location", "/notifications?deleted=nch_down");
        assertNull(owners.notifications.channels.get("nch_down"));
        Document again = Browser.html(Browser.form(Scope.ADMIN).post("/notifications/channels/nch_down/delete").then()
                .statusCode(200).extract().asString());
        assertEquals("Not deleted: No channel nch_down", again.getElementById("channels-action-error").text());
        Browser.as(Scope.ADMIN).header("HX-Request", "true").contentType("application/x-www-form-urlencoded")
                .header("X-CSRF-Token", Browser.CSRF).post("/notifications/channels/nch_mail/delete").then().statusCode(200)
                .header("HX-Redirect", "/notifications?deleted=nch_mail");
    }

    @Test
    void anOwnerThatDoesNotAnswerLeavesThePageUpWithItsWords() {
        owners.hang("GET", CHANNELS);
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/notifications").then().statusCode(200).extract().asString());
        assertTrue(page.getElementById("channels-error").text().startsWith("webhook-service is unavailable"));
        assertNotNull(page.getElementById("channel-create-form"), "the form still shows");
    }

    // ---- Preferences ----

    @Test
    void aPersonSeesThePreferencesAndDeletesOnlyTheirOwn() {
        Document page = Browser.html(person(Scope.VIEWER, "usr_bob").get("/notifications/preferences").then().statusCode(200)
                .extract().asString());
        String team = page.getElementById("preference-npr_team").text();
        assertTrue(team.contains("job.failed") && team.contains("Ops mail") && team.contains("error") && team.contains("team team_ml"),
                team);
        assertTrue(page.getElementById("preference-npr_bob").text().contains("you"));
        assertNotNull(page.getElementById("delete-npr_bob"));
        assertNull(page.getElementById("delete-npr_team"), "another's preference is not offered for deletion");
        assertNull(page.getElementById("preference-scope"), "a non-admin keeps preferences for themself");
        assertNotNull(page.getElementById("preference-scope-own"));
        assertEquals("page", page.getElementById("tab-preferences").attr("aria-current"));

        personForm(Scope.VIEWER, "usr_bob").post("/notifications/preferences/npr_bob/delete").then().statusCode(303)
                .header("Location", "/notifications/preferences?deleted=npr_bob");
        assertNull(owners.notifications.preferences.get("npr_bob"));
        Document refused = Browser.html(personForm(Scope.VIEWER, "usr_bob").post("/notifications/preferences/npr_team/delete")
                .then().statusCode(200).extract().asString());
        assertEquals("Not deleted: Only an admin deletes another person's preference",
                refused.getElementById("preferences-action-error").text());
    }

    @Test
    void aPersonAddsAPreferenceForThemselfAndAnAdminOneForATeam() {
        Document own = Browser.html(personForm(Scope.VIEWER, "usr_bob").formParam("event_type", "job.failed")
                .formParam("channel_id", "nch_mail").formParam("min_severity", "error")
                .formParam("recipients", "bob@example.com, ops@example.com\nbob@example.com")
                .formParam("scope", "everyone").post("/notifications/preferences").then().statusCode(200).extract().asString());
        assertEquals(new JsonObject().put("event_type", "job.failed").put("channel_id", "nch_mail").put("min_severity", "error")
                        .put("recipients", new JsonArray().add("bob@example.com").add("ops@example.com")),
                owners.lastBody("POST", FakeNotifications.BASE + "/preferences"), "a non-admin's scope is the owner's to set");
        assertEquals("Preference npr_new1 was created.", own.getElementById("preferences-notice").text());
        assertTrue(own.getElementById("preference-npr_new1").text().contains("you"));

        Browser.form(Scope.ADMIN).formParam("event_type", "approval.*").formParam("channel_id", "nch_down")
                .formParam("min_severity", "warning").formParam("scope", "team").formParam("scope_id", " team_ml ")
                .post("/notifications/preferences").then().statusCode(200);
        assertEquals(new JsonObject().put("event_type", "approval.*").put("channel_id", "nch_down").put("min_severity", "warning")
                .put("scope", "team").put("scope_id", "team_ml"), owners.lastBody("POST", FakeNotifications.BASE + "/preferences"));
        Document options = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/preferences").asString());
        List<String> events = options.select("#preference-event-type option").eachAttr("value");
        assertEquals(List.of("", "*", "job.*", "approval.*", "job.completed", "job.failed", "approval.requested"), events);
    }

    @Test
    void aRefusedPreferenceIsShownNextToItsFieldAndKeepsWhatWasTyped() {
        Document local = Browser.html(Browser.form(Scope.ADMIN).formParam("event_type", "job.failed").formParam("channel_id", "nch_mail")
                .formParam("scope", "team").post("/notifications/preferences").asString());
        assertEquals("name the team by its id", local.getElementById("preference-scope-id-error").text());
        assertEquals("team", local.select("#preference-scope option[selected]").attr("value"));
        assertTrue(owners.requests("POST", FakeNotifications.BASE + "/preferences").isEmpty());

        Document refused = Browser.html(personForm(Scope.VIEWER, "usr_bob").formParam("event_type", "job.*")
                .formParam("channel_id", "nch_gone").formParam("min_severity", "critical").formParam("recipients", "me@example.com")
                .post("/notifications/preferences").asString());
        assertEquals("no such channel", refused.getElementById("preference-channel-id-error").text());
        assertEquals("Invalid preference", refused.getElementById("preference-create-error").text());
        assertEquals("job.*", refused.select("#preference-event-type option[selected]").attr("value"));
        assertEquals("critical", refused.select("#preference-min-severity option[selected]").attr("value"));
        assertEquals("me@example.com", refused.getElementById("preference-recipients").attr("value"));
    }

    @Test
    void aPersonMutesAndUnmutesTheirRoutineJobEvents() {
        Document before = Browser.html(person(Scope.VIEWER, "usr_bob").get("/notifications/preferences").asString());
        assertEquals("false", before.getElementById("mute-toggle").attr("aria-pressed"));
        assertEquals("true", before.select("#mute-form input[name=mute]").attr("value"));
        personForm(Scope.VIEWER, "usr_bob").formParam("mute", "true").post("/notifications/preferences/mute").then().statusCode(303)
                .header("Location", "/notifications/preferences?muted=true");
        assertEquals(new JsonObject().put("event_type", "job.*").put("scope", "user").put("scope_id", "usr_bob").put("mute", true),
                owners.lastBody("POST", FakeNotifications.BASE + "/preferences"));
        Document muted = Browser.html(person(Scope.VIEWER, "usr_bob").get("/notifications/preferences?muted=true").asString());
        assertEquals("true", muted.getElementById("mute-toggle").attr("aria-pressed"));
        assertTrue(muted.getElementById("mute-state").text().startsWith("Muted"));
        assertTrue(muted.getElementById("preferences-notice").text().contains("muted"));

        personForm(Scope.VIEWER, "usr_bob").formParam("mute", "false").post("/notifications/preferences/mute").then().statusCode(303)
                .header("Location", "/notifications/preferences?muted=false");
        assertTrue(owners.notifications.preferences.values().stream().noneMatch(p -> p.getBoolean("mute")));
        assertNotNull(owners.notifications.preferences.get("npr_bob"), "only the mute is removed");
        Document unmuted = Browser.html(person(Scope.VIEWER, "usr_bob").get("/notifications/preferences").asString());
        assertEquals("false", unmuted.getElementById("mute-toggle").attr("aria-pressed"));

        Document keyOfNoUser = Browser.html(Browser.form(Scope.ADMIN).formParam("mute", "true").post("/notifications/preferences/mute")
                .then().statusCode(200).extract().asString());
        assertTrue(keyOfNoUser.getElementById("preferences-action-error").text().startsWith("Nothing muted"));
        assertNotNull(keyOfNoUser.getElementById("mute-unavailable"));
    }

    // ---- Delivery history ----

    @Test
    void theHistoryIsPagedFilteredAndRetriesAFailedDelivery() {
        Document first = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/history").then().statusCode(200)
                .extract().asString());
        assertEquals("limit=50", owners.requests("GET", FakeNotifications.BASE + "/history").get(0).query());
        assertEquals(50, first.select("#history-table tbody tr").size());
        assertEquals("Deliveries 1 to 50 of 60, newest first.", first.getElementById("history-range").text());
        assertEquals("/notifications/history?offset=50", first.getElementById("history-next").attr("href"));
        assertNull(first.getElementById("history-previous"));
        String failed = first.getElementById("delivery-1").text();
        assertTrue(failed.contains("Broken hook") && failed.contains("HTTP 503") && failed.contains("10"), failed);
        assertNotNull(first.getElementById("retry-1"));
        assertNull(first.getElementById("retry-3"), "a delivered one is not retried");
        assertEquals("/jobs/job_run1", first.getElementById("delivery-job-1").attr("href"));

        Document second = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/history?offset=50").asString());
        assertEquals(10, second.select("#history-table tbody tr").size());
        assertEquals("/notifications/history", second.getElementById("history-previous").attr("href"));
        assertNull(second.getElementById("history-next"));

        Document filtered = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/history?channel_id=nch_down&status=failed"
                + "&event_type=job.failed").asString());
        assertEquals("channel_id=nch_down&event_type=job.failed&status=failed&limit=50",
                owners.requests("GET", FakeNotifications.BASE + "/history").get(2).query());
        assertEquals("nch_down", filtered.select("#history-channel option[selected]").attr("value"));
        assertEquals("failed", filtered.select("#history-status option[selected]").attr("value"));
        assertEquals(List.of("1"), filtered.select("#history-table tbody tr").eachAttr("id").stream()
                .map(id -> id.substring("delivery-".length())).toList());
        assertEquals("failed", filtered.select("#retry-form-1 input[name=status]").attr("value"), "the retry comes back here");

        personForm(Scope.ADMIN, "usr_ada").formParam("status", "failed").formParam("channel_id", "nch_down")
                .post("/notifications/history/1/retry").then().statusCode(303)
                .header("Location", "/notifications/history?channel_id=nch_down&status=failed&retried=1");
        assertEquals("pending", owners.notifications.deliveries.get("1").getString("delivery_status"));
        Document again = Browser.html(Browser.form(Scope.ADMIN).post("/notifications/history/1/retry").then().statusCode(200)
                .extract().asString());
        assertEquals("Not retried: Delivery 1 is pending, not failed", again.getElementById("history-action-error").text());
        Document retried = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/history?retried=1").asString());
        assertTrue(retried.getElementById("history-notice").text().startsWith("Delivery 1 is pending again"));
    }

    @Test
    void aRefusedFilterIsShownNextToItsFieldAndOnlyAdminsSeeTheHistory() {
        Document page = Browser.html(Browser.as(Scope.ADMIN).get("/notifications/history?status=lost").asString());
        assertEquals("one of pending, delivering, delivered, failed", page.getElementById("history-status-error").text());
        assertEquals("Invalid filter", page.getElementById("history-error").text());
        Browser.as(Scope.OPERATOR).get("/notifications/history").then().statusCode(403);
        Browser.form(Scope.OPERATOR).post("/notifications/history/1/retry").then().statusCode(403);
        assertEquals("failed", owners.notifications.deliveries.get("1").getString("delivery_status"));
        List<String> sent = new ArrayList<>();
        owners.requests.forEach(r -> sent.add(r.method() + " " + r.path()));
        assertFalse(sent.contains("POST " + FakeNotifications.BASE + "/history/1/retry"), sent.toString());
    }
}
