package io.tuneops.webhook;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.tuneops.local.EmbeddedServersTestResource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Preferences: who may set which scope (a non-admin only their own user scope), validation, listing, deletion, audit. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
class NotificationPreferencesTest {

    private static final String BASE = "/api/cloud/notifications/preferences";

    @Inject
    RedisDataSource redis;

    private String channel;
    private String slack;
    private String alice;
    private String bob;

    @BeforeEach
    void channels() {
        channel = Caller.admin().body(new JsonObject().put("channel_type", "email").put("name", "mail").put("smtp_host", "mail.example")
                .put("smtp_from_address", "ops@example.com").encode()).post("/api/cloud/notifications/channels")
                .then().statusCode(201).extract().path("id");
        slack = Caller.admin().body(new JsonObject().put("channel_type", "slack").put("name", "slack")
                .put("webhook_url", "https://hooks.example/x").encode()).post("/api/cloud/notifications/channels")
                .then().statusCode(201).extract().path("id");
        alice = NotifyFixtures.id("usr");
        bob = NotifyFixtures.id("usr");
    }

    @AfterEach
    void deleteChannels() {
        Caller.admin().delete("/api/cloud/notifications/channels/" + channel);
        Caller.admin().delete("/api/cloud/notifications/channels/" + slack);
    }

    private RequestSpecification person(String user) {
        return Caller.person(user, "viewer", "org_1", "team_1");
    }

    @Test
    void aPersonManagesTheirOwnUserPreferencesOnly() {
        JsonObject mine = new JsonObject().put("event_type", "job.*").put("channel_id", channel)
                .put("recipients", new JsonArray().add("alice@example.com")).put("min_severity", "warning");
        String id = person(alice).body(mine.encode()).post(BASE).then().statusCode(201)
                .body("scope", equalTo("user")).body("scope_id", equalTo(alice)).body("min_severity", equalTo("warning"))
                .body("recipients", equalTo(List.of("alice@example.com"))).body("is_enabled", equalTo(true))
                .body("mute", equalTo(false)).body("created_by", equalTo("user:" + alice)).extract().path("id");
        person(alice).body(mine.copy().put("scope", "user").put("scope_id", alice).encode()).post(BASE).then().statusCode(201);

        person(alice).body(mine.copy().put("scope", "everyone").encode()).post(BASE).then().statusCode(403)
                .body("detail", containsString("admin"));
        person(alice).body(mine.copy().put("scope", "team").put("scope_id", "team_1").encode()).post(BASE).then().statusCode(403);
        person(alice).body(mine.copy().put("scope_id", bob).encode()).post(BASE).then().statusCode(403);
        Caller.viewer().body(mine.encode()).post(BASE).then().statusCode(403).body("detail", containsString("no user"));

        person(alice).get(BASE).then().statusCode(200).body("preferences.scope_id", everyItem(equalTo(alice)))
                .body("preferences.id", hasItem(id));
        person(bob).get(BASE).then().statusCode(200).body("preferences.id", not(hasItem(id)));
        person(bob).get(BASE + "?scope=user&scope_id=" + alice).then().statusCode(200).body("preferences", equalTo(List.of()));
        person(bob).delete(BASE + "/" + id).then().statusCode(403);
        person(alice).delete(BASE + "/" + id).then().statusCode(204);
        person(alice).delete(BASE + "/" + id).then().statusCode(404);
    }

    @Test
    void anAdminSetsAnyScopeAndSeesEveryPreference() {
        String everyone = Caller.admin().body(new JsonObject().put("event_type", "*").put("channel_id", slack).encode()).post(BASE)
                .then().statusCode(201).body("scope", equalTo("everyone")).body("scope_id", equalTo(null)).extract().path("id");
        String team = Caller.admin().body(new JsonObject().put("event_type", "approval.requested").put("channel_id", channel)
                        .put("scope", "team").put("scope_id", "team_9").put("recipients", new JsonArray().add("leads@example.com")).encode())
                .post(BASE).then().statusCode(201).extract().path("id");
        String theirs = person(alice).body(new JsonObject().put("event_type", "job.failed").put("channel_id", slack).encode()).post(BASE)
                .then().statusCode(201).extract().path("id");
        Caller.admin().get(BASE).then().statusCode(200).body("preferences.id", hasItems(everyone, team, theirs));
        Caller.admin().get(BASE + "?scope=team&scope_id=team_9").then().statusCode(200).body("preferences.id", equalTo(List.of(team)));
        Caller.admin().get(BASE + "?channel_id=" + slack).then().statusCode(200).body("preferences.id", hasItems(everyone, theirs))
                .body("preferences.id", not(hasItem(team)));
        Caller.admin().get(BASE + "?scope=galaxy").then().statusCode(400).body("errors[0].field", equalTo("scope"));
        person(alice).delete(BASE + "/" + everyone).then().statusCode(403);
        Caller.admin().delete(BASE + "/" + theirs).then().statusCode(204);
        Caller.admin().delete(BASE + "/" + everyone).then().statusCode(204);
    }

    @Test
    void invalidPreferencesAreRefusedWithTheirFieldsNamed() {
        Caller.admin().body("{}").post(BASE).then().statusCode(400).body("detail", equalTo("Invalid preference"))
                .body("errors.field", hasItems("event_type", "channel_id"));
        Caller.admin().body(new JsonObject().put("event_type", "job.nope").put("channel_id", channel).put("min_severity", "fatal")
                        .put("scope", "org").put("recipients", new JsonArray().add("not an address")).put("extra", true).encode())
                .post(BASE).then().statusCode(400)
                .body("errors.field", hasItems("event_type", "min_severity", "scope_id", "recipients", "extra"));
        Caller.admin().body(new JsonObject().put("event_type", "job.*").put("channel_id", "nch_nosuchchannel").encode())
                .post(BASE).then().statusCode(400).body("errors[0].field", equalTo("channel_id"));
        Caller.admin().body(new JsonObject().put("event_type", "job.*").put("channel_id", slack)
                        .put("recipients", new JsonArray().add("a@example.com")).encode())
                .post(BASE).then().statusCode(400).body("errors[0].message", containsString("e-mail channels"));
        Caller.admin().body(new JsonObject().put("event_type", "*").put("channel_id", slack).put("scope", "everyone")
                .put("scope_id", "x").encode()).post(BASE).then().statusCode(400).body("errors[0].field", equalTo("scope_id"));
    }

    @Test
    void aMuteIsAUsersOwnAndNamesNoChannel() {
        String mute = person(alice).body(new JsonObject().put("event_type", "job.*").put("mute", true).encode()).post(BASE)
                .then().statusCode(201).body("mute", equalTo(true)).body("channel_id", equalTo(null))
                .body("scope", equalTo("user")).body("scope_id", equalTo(alice)).extract().path("id");
        person(alice).body(new JsonObject().put("event_type", "job.*").put("mute", true).put("channel_id", slack).encode())
                .post(BASE).then().statusCode(400).body("errors[0].field", equalTo("channel_id"));
        Caller.admin().body(new JsonObject().put("event_type", "job.*").put("mute", true).put("scope", "team").put("scope_id", "t")
                .encode()).post(BASE).then().statusCode(400).body("errors.field", hasItem("mute"));
        person(alice).delete(BASE + "/" + mute).then().statusCode(204);
    }

    @Test
    void creatingAndDeletingAreAudited() {
        String id = person(alice).body(new JsonObject().put("event_type", "job.failed").put("channel_id", channel)
                .put("recipients", new JsonArray().add("alice@example.com")).encode()).post(BASE).then().statusCode(201).extract().path("id");
        person(alice).delete(BASE + "/" + id).then().statusCode(204);
        List<JsonObject> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> new JsonObject(m.payload().get("event"))).filter(e -> id.equals(e.getString("target_id"))).toList();
        assertEquals(List.of("notification_preference.created", "notification_preference.deleted"),
                events.stream().map(e -> e.getString("type")).toList());
        assertEquals("user:" + alice, events.get(0).getString("actor"));
        assertEquals(1, events.get(0).getJsonObject("details").getInteger("recipients"));
        assertEquals(alice, events.get(0).getJsonObject("details").getString("scope_id"));
    }

    @Test
    void deletingAChannelDeletesItsPreferences() {
        String id = Caller.admin().body(new JsonObject().put("event_type", "*").put("channel_id", slack).encode()).post(BASE)
                .then().statusCode(201).extract().path("id");
        Caller.admin().delete("/api/cloud/notifications/channels/" + slack).then().statusCode(204);
        Caller.admin().get(BASE).then().statusCode(200).body("preferences.id", not(hasItem(id)));
    }
}
