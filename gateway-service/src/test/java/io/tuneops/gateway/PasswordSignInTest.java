package io.tuneops.gateway;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.gateway.config.SignInConfig;
import io.tuneops.gateway.security.SignInLockout;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signing in with a username and password: sessions, refusals, the lockout across replicas, the audit trail. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class PasswordSignInTest {

    private static final String PASSWORD = "a long enough passphrase";
    private static final String COOKIE_ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Strict";

    @Inject
    RedisDataSource redis;
    @Inject
    ReactiveRedisDataSource reactiveRedis;
    @Inject
    StoreDeadlines deadlines;
    @Inject
    SignInConfig config;

    private final People people = new People(Sessions.newClient());

    private static Response login(String username, String password) {
        return Sessions.from(Sessions.newClient()).contentType("application/json")
                .body(Map.of("username", username, "password", password, "remember_me", true)).post("/api/auth/login");
    }

    private List<String> auditEventsOf(String username) {
        return redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+")).stream()
                .map(m -> m.payload().get("event")).filter(e -> e.contains(username)).toList();
    }

    @Test
    void theRightPasswordOpensASessionThatSignsOut() {
        String username = People.unique("grace");
        String userId = people.user(username, "operator", null, null, PASSWORD).getString("id");
        Response signedIn = login(username.toUpperCase(), PASSWORD);
        signedIn.then().statusCode(200).body("success", equalTo(true)).body("user.id", equalTo(userId))
                .body("message", equalTo("Signed in")).body("csrf_token", notNullValue());
        assertTrue(signedIn.header("Set-Cookie").endsWith(COOKIE_ATTRIBUTES), signedIn.header("Set-Cookie"));
        String token = Sessions.token(signedIn.header("Set-Cookie"));
        String csrf = signedIn.jsonPath().getString("csrf_token");

        people.withSession(token, null).get("/api/auth/me").then().statusCode(200).body("username", equalTo(username))
                .body("last_login_at", notNullValue());
        // an unsafe request on the cookie needs the CSRF token
        people.withSession(token, null).post("/api/cloud/jobs/submit").then().statusCode(403);
        people.withSession(token, csrf).post("/api/cloud/jobs/submit").then().statusCode(200).body("actor", equalTo("user:" + username));
        people.withSession(token, null).post("/api/auth/logout").then().statusCode(403);
        Response out = people.withSession(token, csrf).post("/api/auth/logout");
        out.then().statusCode(200).body("success", equalTo(true));
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
        people.withSession(token, null).get("/api/auth/me").then().statusCode(401);

        List<String> events = auditEventsOf(username.toLowerCase());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"login.succeeded\"")), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.contains(PASSWORD)), "a password in the audit trail");
    }

    @Test
    void theConsolesSessionRouteTakesAUsernameAndPasswordToo() {
        String username = People.unique("linus");
        people.user(username, "viewer", null, null, PASSWORD);
        Sessions.from(Sessions.newClient()).contentType("application/json").body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/session").then().statusCode(200).body("actor", equalTo("user:" + username))
                .body("scopes", equalTo(List.of("viewer")));
        Sessions.from(Sessions.newClient()).contentType("application/json").body(Map.of("username", username, "password", "wrong one!!"))
                .post("/api/auth/session").then().statusCode(401).body("detail", equalTo("Invalid username or password"));
        Response form = Sessions.from(Sessions.newClient()).contentType("application/x-www-form-urlencoded")
                .formParam("username", username).formParam("password", PASSWORD).formParam("next", "/jobs").post("/api/auth/session");
        form.then().statusCode(303).header("Location", "/jobs");
        String token = Sessions.token(form.header("Set-Cookie"));
        Sessions.from(Sessions.newClient()).header("Cookie", Sessions.cookie(token)).get("/api/auth/session").then().statusCode(200)
                .body("username", equalTo(username)).body("actor", equalTo("user:" + username));
        Sessions.from(Sessions.newClient()).contentType("application/x-www-form-urlencoded")
                .formParam("username", username).formParam("password", "not it at all").post("/api/auth/session")
                .then().statusCode(303).header("Location", "/sign-in?error=invalid").header("Set-Cookie", nullValue());
    }

    @Test
    void aWrongPasswordAnUnknownUserAndAnInactiveOneAreRefusedAlike() {
        String username = People.unique("barbara");
        String id = people.user(username, "viewer", null, null, PASSWORD).getString("id");
        String withoutPassword = People.unique("nopass");
        people.user(withoutPassword, "viewer", null, null, null);
        login(username, "wrong password!").then().statusCode(401).body("detail", equalTo("Invalid username or password"))
                .header("Set-Cookie", nullValue());
        login(People.unique("nobody"), PASSWORD).then().statusCode(401).body("detail", equalTo("Invalid username or password"));
        login(withoutPassword, "").then().statusCode(400).body("errors[0].field", equalTo("password"));
        login(withoutPassword, PASSWORD).then().statusCode(401);
        people.admin().delete("/api/users/" + id).then().statusCode(200);
        login(username, PASSWORD).then().statusCode(401).body("detail", equalTo("Invalid username or password"));
        List<String> events = auditEventsOf(username.toLowerCase());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"login.failed\"")), events.toString());
    }

    @Test
    void repeatedFailuresLockTheUsernameOnEveryReplicaEvenForTheRightPassword() {
        String username = People.unique("mallory");
        people.user(username, "viewer", null, null, PASSWORD);
        for (int i = 1; i < config.maxFailures(); i++) {
            login(i % 2 == 0 ? username : username.toUpperCase(), "guess number " + i).then().statusCode(401);
        }
        Response locking = login(username, "the last guess");
        locking.then().statusCode(429).body("detail", containsString("Too many failed sign-ins for this username"));
        long retryAfter = Long.parseLong(locking.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= config.lockDuration().toSeconds(), "Retry-After " + retryAfter);
        login(username, PASSWORD).then().statusCode(429).header("Retry-After", notNullValue()).header("Set-Cookie", nullValue());
        Sessions.from(Sessions.newClient()).contentType("application/x-www-form-urlencoded").formParam("username", username)
                .formParam("password", PASSWORD).post("/api/auth/session").then().statusCode(303)
                .header("Location", "/sign-in?error=locked");

        // another replica's lockout reads the same state
        SignInLockout otherReplica = new SignInLockout(reactiveRedis, deadlines, config);
        assertTrue(otherReplica.lockedFor(username).await().atMost(Duration.ofSeconds(5)) > 0);
        assertEquals(0L, otherReplica.lockedFor(People.unique("someone-else")).await().atMost(Duration.ofSeconds(5)));

        List<String> events = auditEventsOf(username.toLowerCase());
        assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"login.locked\"")), events.toString());
        assertFalse(events.stream().anyMatch(e -> e.contains(PASSWORD) || e.contains("the last guess")), "a password in the audit trail");
        // the Redis names carry no username
        assertTrue(redis.key().keys("tuneops:gateway:sign-in-*").stream().noneMatch(k -> k.contains(username.toLowerCase())));
    }

    @Test
    void aSuccessForgetsEarlierFailures() {
        String username = People.unique("erin");
        people.user(username, "viewer", null, null, PASSWORD);
        for (int round = 0; round < 2; round++) {
            for (int i = 1; i < config.maxFailures(); i++) {
                login(username, "guess " + i).then().statusCode(401);
            }
            login(username, PASSWORD).then().statusCode(200);
        }
    }
}
