package io.tuneops.gateway;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's sessions: signing in and out, the cookie, and how a session ends. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class ConsoleSessionTest {

    private static final String SESSION_KEY = "tuneops:gateway:session:";
    private static final String COOKIE_ATTRIBUTES = "; Path=/; HttpOnly; SameSite=Strict";

    @Inject
    RedisDataSource redis;

    private static String sessionKey(String token) throws Exception {
        return SESSION_KEY + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theSignInFormExchangesAKeyForAStrictHttpOnlyCookieAndGoesToNext() throws Exception {
        TestKeys.Created key = TestKeys.createFrom(Sessions.newClient(), "console form", List.of("operator"));
        String client = Sessions.newClient();
        Response response = Sessions.from(client).contentType("application/x-www-form-urlencoded")
                .formParam("api_key", key.key()).formParam("next", "/jobs?status=running").post("/api/auth/session");
        response.then().statusCode(303).header("Location", "/jobs?status=running");
        String setCookie = response.header("Set-Cookie");
        assertTrue(setCookie.matches("tuneops_session=[A-Za-z0-9_-]{43}" + COOKIE_ATTRIBUTES), setCookie);
        String token = Sessions.token(setCookie);
        assertFalse(response.asString().contains(token), "the token outside its cookie");

        // Redis holds the hash of the token, never the token, and the key's set of sessions
        String stored = sessionKey(token);
        assertEquals(key.id(), redis.hash(String.class).hget(stored, "key_id"));
        assertFalse(redis.hash(String.class).hgetall(stored).containsValue(token));
        assertTrue(redis.set(String.class).smembers("tuneops:gateway:key-sessions:" + key.id()).contains(stored.substring(SESSION_KEY.length())));
        assertTrue(redis.key().keys(SESSION_KEY + "*").stream().noneMatch(k -> k.contains(token)));

        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/auth/session").then().statusCode(200)
                .body("actor", equalTo(key.id())).body("name", equalTo("console form"))
                .body("scopes", equalTo(List.of("operator"))).body("csrf_token", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("expires_at", not(nullValue()));
    }

    @Test
    void aNextThatLeavesTheSiteGoesHome() {
        String client = Sessions.newClient();
        for (String next : new String[]{"https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""}) {
            Sessions.from(client).contentType("application/x-www-form-urlencoded").formParam("api_key", TestKeys.ADMIN)
                    .formParam("next", next).post("/api/auth/session").then().statusCode(303).header("Location", "/");
        }
    }

    @Test
    void theJsonSignInAnswersWhoWithoutTheToken() {
        TestKeys.Created key = TestKeys.createFrom(Sessions.newClient(), "console json", List.of("viewer"));
        Response response = Sessions.from(Sessions.newClient()).contentType("application/json")
                .body("{\"api_key\":\"" + key.key() + "\"}").post("/api/auth/session");
        response.then().statusCode(200).body("actor", equalTo(key.id())).body("name", equalTo("console json"))
                .body("scopes", equalTo(List.of("viewer")));
        Instant expires = Instant.parse(response.jsonPath().getString("expires_at"));
        assertTrue(Duration.between(Instant.now(), expires).toHours() >= 23, expires.toString());
        String token = Sessions.token(response.header("Set-Cookie"));
        assertFalse(response.asString().contains(token));
        assertFalse(response.asString().contains(key.key()));
    }

    @Test
    void theCookieIsSecureWhenATrustedProxySaysHttps() {
        // 127.0.0.1 is a trusted proxy in the test profile; the browser's Origin is the https site
        String client = Sessions.newClient();
        String origin = "https://localhost:" + RestAssured.port;
        Response response = Sessions.from(client).header("X-Forwarded-Proto", "https").header("Origin", origin)
                .contentType("application/x-www-form-urlencoded").formParam("api_key", TestKeys.ADMIN).post("/api/auth/session");
        response.then().statusCode(303).header("Location", "/");
        assertTrue(response.header("Set-Cookie").endsWith(COOKIE_ATTRIBUTES + "; Secure"), response.header("Set-Cookie"));
        // that Origin over plain http is another site's
        Sessions.from(client).header("Origin", origin).contentType("application/x-www-form-urlencoded")
                .formParam("api_key", TestKeys.ADMIN).post("/api/auth/session").then().statusCode(403);
    }

    @Test
    void aBadKeyGoesBackToTheSignInPageOrIs401AndIsAudited() {
        String client = Sessions.newClient();
        String wrong = "tok_AAAAAAAA_" + "C".repeat(32);
        Response form = Sessions.from(client).contentType("application/x-www-form-urlencoded").formParam("api_key", wrong)
                .post("/api/auth/session");
        form.then().statusCode(303).header("Location", "/sign-in?error=invalid").header("Set-Cookie", nullValue());
        Sessions.from(client).contentType("application/x-www-form-urlencoded").post("/api/auth/session").then()
                .statusCode(303).header("Location", "/sign-in?error=invalid");
        Sessions.from(client).contentType("application/json").body("{\"api_key\":\"" + wrong + "\"}").post("/api/auth/session")
                .then().statusCode(401).body("detail", equalTo("Invalid, expired or revoked API key")).header("Set-Cookie", nullValue());
        Sessions.from(client).contentType("application/json").body("{}").post("/api/auth/session").then().statusCode(401);

        List<String> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+"))
                .stream().map(m -> m.payload().get("event")).filter(e -> e.contains(client)).toList();
        assertEquals(1, events.size(), events.toString()); // folded: one event per address and minute
        String event = events.get(0).replace("\\/", "/");
        assertTrue(event.contains("\"type\":\"auth.failed\"") && event.contains("\"reason\":\"sign-in\"")
                && event.contains("\"target_id\":\"POST /api/auth/session\""), event);
        assertFalse(events.get(0).contains(wrong.substring(13)), "a presented key in the audit trail");
    }

    @Test
    void aSignInFromAnotherSiteIsRefused() {
        // listed for CORS in the test profile, still not the gateway's own origin
        Sessions.from(Sessions.newClient()).header("Origin", "https://console.example.com").contentType("application/json")
                .body("{\"api_key\":\"" + TestKeys.ADMIN + "\"}").post("/api/auth/session").then().statusCode(403)
                .header("Set-Cookie", nullValue());
        Sessions.from(Sessions.newClient()).header("Origin", "https://evil.example.net").contentType("application/x-www-form-urlencoded")
                .formParam("api_key", TestKeys.ADMIN).post("/api/auth/session").then().statusCode(403)
                .header("Set-Cookie", nullValue());
        // the gateway's own origin signs in
        Sessions.from(Sessions.newClient()).header("Origin", "http://localhost:" + RestAssured.port)
                .contentType("application/json").body("{\"api_key\":\"" + TestKeys.ADMIN + "\"}").post("/api/auth/session")
                .then().statusCode(200).body("actor", equalTo("bootstrap-admin"));
    }

    @Test
    void signingOutEndsTheSessionAndClearsTheCookie() throws Exception {
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, TestKeys.ADMIN);
        String csrf = Sessions.csrf(client, token);
        // a wrong or missing token changes nothing
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).contentType("application/x-www-form-urlencoded")
                .formParam("_csrf", "wrong").post("/api/auth/session/end").then().statusCode(403)
                .body("detail", equalTo("CSRF token missing or invalid"));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).post("/api/auth/session/end").then().statusCode(403);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/auth/session").then().statusCode(200);

        Response out = Sessions.from(client).header("Cookie", Sessions.cookie(token)).contentType("application/x-www-form-urlencoded")
                .formParam("_csrf", csrf).post("/api/auth/session/end");
        out.then().statusCode(303).header("Location", "/sign-in");
        assertEquals("tuneops_session=; Max-Age=0" + COOKIE_ATTRIBUTES, out.header("Set-Cookie"));
        assertFalse(redis.key().exists(sessionKey(token)));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/auth/session").then().statusCode(401);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(401)
                .body("detail", equalTo("Invalid or expired session: sign in again"));

        // with the token in a header, for scripts: 204
        String second = Sessions.signIn(client, TestKeys.ADMIN);
        Sessions.from(client).header("Cookie", Sessions.cookie(second)).header("X-CSRF-Token", Sessions.csrf(client, second))
                .contentType("application/json").post("/api/auth/session/end").then().statusCode(204).header("Set-Cookie", equalTo("tuneops_session=; Max-Age=0" + COOKIE_ATTRIBUTES));
        Sessions.from(client).header("Cookie", Sessions.cookie(second)).get("/api/auth/session").then().statusCode(401);
        // without a session there is nothing to protect: the cookie is cleared all the same
        Sessions.from(client).contentType("application/json").post("/api/auth/session/end").then().statusCode(204);
    }

    @Test
    void aNewSignInReplacesTheBrowsersPreviousSession() throws Exception {
        String client = Sessions.newClient();
        String first = Sessions.signIn(client, TestKeys.ADMIN);
        Response again = Sessions.from(client).header("Cookie", Sessions.cookie(first)).contentType("application/json")
                .body("{\"api_key\":\"" + TestKeys.ADMIN + "\"}").post("/api/auth/session");
        again.then().statusCode(200);
        assertFalse(redis.key().exists(sessionKey(first)));
        assertTrue(redis.key().exists(sessionKey(Sessions.token(again.header("Set-Cookie")))));
    }

    @Test
    void revokingAKeyEndsItsSessionsAtOnce() throws Exception {
        TestKeys.Created key = TestKeys.createFrom(Sessions.newClient(), "revoked with sessions", List.of("admin"));
        String client = Sessions.newClient();
        String one = Sessions.signIn(client, key.key());
        String two = Sessions.signIn(Sessions.newClient(), key.key());
        Sessions.from(client).header("Cookie", Sessions.cookie(one)).get("/api/cloud/jobs").then().statusCode(200)
                .body("actor", equalTo(key.id()));

        RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN)
                .delete("/api/auth/api-keys/" + key.id()).then().statusCode(204);
        assertFalse(redis.key().exists(sessionKey(one)));
        assertFalse(redis.key().exists(sessionKey(two)));
        assertFalse(redis.key().exists("tuneops:gateway:key-sessions:" + key.id()));
        Sessions.from(client).header("Cookie", Sessions.cookie(one)).get("/api/cloud/jobs").then().statusCode(401);
        Sessions.from(client).header("Cookie", Sessions.cookie(two)).get("/api/auth/session").then().statusCode(401);
    }

    @Test
    void aSessionWhoseKeyNoLongerHoldsEndsAtItsNextRequest() throws Exception {
        // the revocation's own clean-up missed it (as when Redis failed then): the key check ends it
        TestKeys.Created key = TestKeys.createFrom(Sessions.newClient(), "revoked under a session", List.of("viewer"));
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, key.key());
        redis.key().del("tuneops:gateway:key-sessions:" + key.id());
        RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN)
                .delete("/api/auth/api-keys/" + key.id()).then().statusCode(204);
        assertTrue(redis.key().exists(sessionKey(token)));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(401);
        assertFalse(redis.key().exists(sessionKey(token)));
    }

    @Test
    void anIdleSessionExpiresAndUseKeepsItAlive() throws Exception {
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, TestKeys.ADMIN);
        String stored = sessionKey(token);
        long idle = Duration.ofHours(8).toMillis();  // the default idle timeout
        long ttl = redis.key().pttl(stored);
        assertTrue(ttl > idle - 60_000 && ttl <= idle, "idle expiry in " + ttl + " ms");

        // an open page refreshing its live parts by itself is nobody at the keyboard: the idle time runs on
        redis.key().pexpire(stored, 60_000);
        for (String polled : new String[]{"/jobs/rows?status=running", "/jobs/job_1/live"}) {
            // and has its own rate-limit rule, a few open tabs beside other work
            Sessions.from(client).header("Cookie", Sessions.cookie(token)).get(polled).then().statusCode(200)
                    .header("RateLimit-Policy", containsString("console-live"));
            assertTrue(redis.key().pttl(stored) <= 60_000, polled + " pushed it back: " + redis.key().pttl(stored));
        }

        // used a minute before it would have expired: its idle time starts again
        redis.key().pexpire(stored, 60_000);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(200);
        assertTrue(redis.key().pttl(stored) > idle - 60_000, "not pushed back: " + redis.key().pttl(stored));

        // left idle: Redis expires it, and the cookie is worth nothing
        redis.key().pexpire(stored, 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (redis.key().exists(stored) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(redis.key().exists(stored), "Redis kept an expired session");
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(401);
    }

    @Test
    void aSessionEndsAtTheEndOfItsLifetimeHoweverBusy() throws Exception {
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, TestKeys.ADMIN);
        String stored = sessionKey(token);
        // its lifetime leaves less than the idle timeout: the idle expiry never reaches past it
        redis.hash(String.class).hset(stored, "expires_at", Long.toString(Instant.now().plusSeconds(120).toEpochMilli()));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(200);
        assertTrue(redis.key().pttl(stored) <= 120_000, "past its lifetime: " + redis.key().pttl(stored));
        // and over
        redis.hash(String.class).hset(stored, "expires_at", Long.toString(Instant.now().minusSeconds(1).toEpochMilli()));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(401);
        assertFalse(redis.key().exists(stored));
    }

    @Test
    void malformedOrUnknownCookiesAreNoSession() {
        String client = Sessions.newClient();
        for (String cookie : new String[]{"tuneops_session=", "tuneops_session=short", "tuneops_session=" + "A".repeat(43),
                "other=1; tuneops_session=" + "%".repeat(43)}) {
            Sessions.from(client).header("Cookie", cookie).get("/api/auth/session").then().statusCode(401)
                    .body("detail", equalTo("Not signed in"));
            Sessions.from(client).header("Cookie", cookie).get("/api/cloud/jobs").then().statusCode(401);
        }
    }

    @Test
    void theSessionRoutesAreDescribedUnderSessions() {
        RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN).accept("application/json")
                .get("/q/openapi?format=json").then()
                .body("paths.'/api/auth/session'.post.tags", hasItem("Sessions"))
                .body("paths.'/api/auth/session'.post.requestBody.content.keySet()",
                        equalTo(Set.of("application/x-www-form-urlencoded", "application/json")))
                .body("paths.'/api/auth/session'.get.security[0].keySet()", equalTo(Set.of("session")))
                .body("paths.'/api/auth/session/end'.post.tags", hasItem("Sessions"))
                .body("components.securitySchemes.session.in", equalTo("cookie"))
                .body("components.securitySchemes.session.name", equalTo("tuneops_session"));
    }
}
