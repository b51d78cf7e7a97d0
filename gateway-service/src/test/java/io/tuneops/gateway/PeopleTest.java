package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tuneops.gateway.config.AuthConfig;
import io.tuneops.gateway.repository.ApiKeyRepository;
import io.tuneops.gateway.security.ApiKeyAuthenticator;
import io.tuneops.gateway.security.KeyHasher;
import io.tuneops.gateway.security.LiveKeyPrefixes;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users, organisations, teams and memberships; keys owned by users; who may do what; the identity owners get. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class PeopleTest {

    private static final String PASSWORD = "correct horse battery staple";

    @Inject
    KeyHasher hasher;
    @Inject
    ApiKeyRepository keys;
    @Inject
    LiveKeyPrefixes prefixes;
    @Inject
    AuthConfig authConfig;

    private final People people = new People(Sessions.newClient());

    @Test
    void aKeyActsForItsUserOnlyWithinItsOwnScope() {
        String username = People.unique("ci-owner");
        String id = people.user(username, "admin", null, null, null).getString("id");
        String viewerKey = people.key(id, "viewer");
        // more scope than the asking key has: refused, though the user's role allows it
        people.as(viewerKey).body(Map.of("name", "escalated", "scopes", List.of("admin"))).post("/api/users/" + id + "/api-keys")
                .then().statusCode(403);
        people.as(viewerKey).body(Map.of("name", "same scope", "scopes", List.of("viewer"))).post("/api/users/" + id + "/api-keys")
                .then().statusCode(201);
        // a first password would sign in with the whole role: not set from a viewer key
        people.as(viewerKey).body(Map.of("password", PASSWORD)).patch("/api/users/" + id).then().statusCode(403);
        Sessions.from(Sessions.newClient()).contentType("application/json").body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login").then().statusCode(401);
        String adminKey = people.key(id, "admin");
        people.as(adminKey).body(Map.of("password", PASSWORD)).patch("/api/users/" + id).then().statusCode(200);
        people.login(username, PASSWORD);
    }

    @Test
    void aKeyMakesNoKeyThatOutlivesIt() {
        String id = people.user(People.unique("expiring"), "admin", null, null, null).getString("id");
        String expires = OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).truncatedTo(ChronoUnit.SECONDS).toInstant().toString();
        String shortKey = people.admin().body(Map.of("name", "for a day", "scopes", List.of("admin"), "expires_at", expires))
                .post("/api/users/" + id + "/api-keys").then().statusCode(201).extract().jsonPath().getString("key");
        String later = OffsetDateTime.now(ZoneOffset.UTC).plusDays(30).toString();
        for (String route : List.of("/api/users/" + id + "/api-keys", "/api/auth/api-keys")) {
            people.as(shortKey).body(Map.of("name", "for a month", "scopes", List.of("viewer"), "expires_at", later)).post(route)
                    .then().statusCode(403).body("detail", containsString(expires));
            people.as(shortKey).body(Map.of("name", "for ever", "scopes", List.of("viewer"))).post(route)
                    .then().statusCode(201).body("expires_at", equalTo(expires));
        }
        String sooner = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.SECONDS).toInstant().toString();
        people.as(shortKey).body(Map.of("name", "for an hour", "scopes", List.of("viewer"), "expires_at", sooner))
                .post("/api/users/" + id + "/api-keys").then().statusCode(201).body("expires_at", equalTo(sooner));
    }

    @Test
    void anyoneManagesTheirOwnKeysAsTheOriginalClientAsks() {
        String id = people.user(People.unique("cli-user"), "viewer", null, null, null).getString("id");
        String viewerKey = people.key(id, "viewer");
        String otherKey = people.key(people.user(People.unique("cli-other"), "viewer", null, null, null).getString("id"), "viewer");
        // the original client's body: no scopes, days to expiry, an empty permission list
        JsonPath created = people.as(viewerKey).body(Map.of("name", "cli", "expires_days", 30, "scoped_permissions", List.of()))
                .post("/api/auth/api-keys").then().statusCode(201)
                .body("scopes", equalTo(List.of("viewer"))).body("user_id", equalTo(id))
                .body("key_info.key_prefix", startsWith("tok_")).body("key_info.is_active", equalTo(true))
                .extract().jsonPath();
        String keyId = created.getString("id");
        Duration fromThirtyDays = Duration.between(OffsetDateTime.now(ZoneOffset.UTC).plusDays(30),
                OffsetDateTime.parse(created.getString("key_info.expires_at"))).abs();
        assertTrue(fromThirtyDays.compareTo(Duration.ofMinutes(1)) < 0, "expires at " + created.getString("expires_at"));
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("name", "x", "expires_days", 366),
                Map.<String, Object>of("name", "x", "expires_days", 0),
                Map.<String, Object>of("name", "x", "expires_days", 3, "expires_at", "2099-01-01T00:00:00Z"),
                Map.<String, Object>of("name", "x", "scoped_permissions", List.of("job.submit")))) {
            people.as(viewerKey).body(bad).post("/api/auth/api-keys").then().statusCode(400);
        }
        people.as(viewerKey).body(Map.of("name", "x", "scopes", List.of("admin"))).post("/api/auth/api-keys").then().statusCode(403);
        // a viewer sees and revokes its own keys only
        people.as(viewerKey).get("/api/auth/api-keys").then().statusCode(200)
                .body("api_keys.id", hasItem(keyId)).body("api_keys.user_id", everyItem(equalTo(id)));
        people.as(otherKey).delete("/api/auth/api-keys/" + keyId).then().statusCode(404);
        people.as(viewerKey).delete("/api/auth/api-keys/" + keyId).then().statusCode(204);
    }

    @Test
    void aPasswordChangeEndsTheUsersSessions() {
        String username = People.unique("rotating");
        String id = people.user(username, "operator", null, null, PASSWORD).getString("id");
        String token = people.login(username, PASSWORD);
        String client = Sessions.newClient();
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/auth/session").then().statusCode(200);
        people.admin().body(Map.of("password", PASSWORD + " again")).patch("/api/users/" + id).then().statusCode(200);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs/after-rotation").then().statusCode(401);
        people.login(username, PASSWORD + " again");
    }

    @Test
    void organisationsTeamsAndUsersAreCreatedReadChangedAndDeleted() {
        String name = People.unique("Acme Labs");
        JsonPath org = people.admin().body(Map.of("name", name)).post("/api/orgs").then().statusCode(201).extract().jsonPath();
        String orgId = org.getString("id");
        assertTrue(orgId.matches("org_[0-9a-f]{20}"), orgId);
        assertEquals(name.toLowerCase().replace(' ', '-'), org.getString("slug"));
        people.admin().get("/api/orgs/" + org.getString("slug")).then().statusCode(200).body("id", equalTo(orgId));
        people.admin().get("/api/orgs").then().statusCode(200).body("organizations.id", hasItem(orgId));
        people.admin().body(Map.of("name", name + " Ltd")).patch("/api/orgs/" + orgId).then().statusCode(200)
                .body("name", equalTo(name + " Ltd")).body("slug", equalTo(org.getString("slug")));

        String research = people.team(orgId, "Research");
        String platform = people.team(orgId, "Platform");
        assertTrue(research.matches("team_[0-9a-f]{20}"), research);
        people.admin().get("/api/orgs/" + orgId + "/teams").then().statusCode(200).body("teams.id", hasItem(platform));
        people.admin().get("/api/orgs/" + orgId + "/teams/research").then().statusCode(200).body("id", equalTo(research))
                .body("org_id", equalTo(orgId));
        people.admin().body(Map.of("name", "Research & Development", "slug", "rnd")).patch("/api/orgs/" + orgId + "/teams/" + research)
                .then().statusCode(200).body("slug", equalTo("rnd"));
        people.admin().body(Map.of("name", "Again", "slug", "rnd")).post("/api/orgs/" + orgId + "/teams").then().statusCode(409);

        String username = People.unique("ada");
        JsonPath user = people.user(username, "operator", orgId, List.of(research), PASSWORD);
        String userId = user.getString("id");
        assertTrue(userId.matches("usr_[0-9a-f]{20}"), userId);
        assertEquals(List.of(research), user.getList("team_ids"));
        assertEquals("operator", user.getString("role"));
        assertTrue(user.getBoolean("is_active"));
        people.admin().get("/api/users").then().statusCode(200).body("users.username", hasItem(username));
        people.admin().get("/api/orgs/" + orgId + "/members").then().statusCode(200).body("members.id", hasItem(userId));

        people.admin().body(Map.of("user_id", userId)).post("/api/orgs/" + orgId + "/teams/" + platform + "/members")
                .then().statusCode(200).body("team_ids", equalTo(List.of(research, platform).stream().sorted().toList()));
        people.admin().get("/api/orgs/" + orgId + "/teams/" + platform + "/members").then().statusCode(200)
                .body("members.id", equalTo(List.of(userId)));
        people.admin().delete("/api/orgs/" + orgId + "/teams/" + platform + "/members/" + userId).then().statusCode(204);
        people.admin().delete("/api/orgs/" + orgId + "/teams/" + platform + "/members/" + userId).then().statusCode(404);
        people.admin().delete("/api/orgs/" + orgId + "/teams/" + research).then().statusCode(204);
        people.admin().get("/api/users/" + userId).then().statusCode(200).body("team_ids", equalTo(List.of()));

        // usernames are unique whatever their case
        people.admin().body(Map.of("username", username.toUpperCase(), "role", "viewer")).post("/api/users").then().statusCode(409)
                .body("detail", containsString("exists already"));
        // an organisation with users stays; without, it goes
        people.admin().delete("/api/orgs/" + orgId).then().statusCode(409).body("detail", containsString("still has users"));
        people.admin().body(Map.of("org_id", "")).patch("/api/users/" + userId).then().statusCode(200).body("org_id", nullValue());
        people.admin().delete("/api/orgs/" + orgId).then().statusCode(204);
        people.admin().get("/api/orgs/" + orgId).then().statusCode(404).body("detail", containsString("No organisation"));
    }

    @Test
    void badInputIsRefusedFieldByFieldAndChangesNothing() {
        String username = People.unique("bad");
        Response refused = people.admin().body(Map.of("username", "-" + username, "role", "chief", "password", "short",
                "email", "not-an-address")).post("/api/users");
        refused.then().statusCode(400).body("detail", equalTo("Invalid user"));
        assertEquals(List.of("username", "email", "role", "password"), refused.jsonPath().getList("errors.field"));
        people.admin().body("{not json").post("/api/users").then().statusCode(400);

        String org = people.org(People.unique("Org"));
        String otherOrg = people.org(People.unique("Other"));
        String otherTeam = people.team(otherOrg, "Elsewhere");
        people.admin().body(Map.of("username", username, "role", "viewer", "org_id", org, "team_ids", List.of(otherTeam)))
                .post("/api/users").then().statusCode(400).body("errors[0].field", equalTo("team_ids"));
        people.admin().body(Map.of("username", username, "role", "viewer", "org_id", "org_nosuch")).post("/api/users")
                .then().statusCode(400).body("errors[0].field", equalTo("org_id"));
        people.admin().get("/api/users").then().body("users.username", not(hasItem(username)));

        people.admin().body(Map.of("name", "Fine", "slug", "Not A Slug")).post("/api/orgs").then().statusCode(400)
                .body("errors[0].field", equalTo("slug"));
        people.admin().body(Map.of("slug", "no-name")).post("/api/orgs").then().statusCode(400).body("errors[0].field", equalTo("name"));
        people.admin().body(Map.of()).post("/api/orgs/" + org + "/teams/" + otherTeam + "/members").then().statusCode(400)
                .body("errors[0].field", equalTo("user_id"));
        String stranger = people.user(People.unique("stranger"), "viewer", null, null, null).getString("id");
        String team = people.team(org, "Home");
        people.admin().body(Map.of("user_id", stranger)).post("/api/orgs/" + org + "/teams/" + team + "/members").then()
                .statusCode(400).body("errors[0].message", containsString("not in organisation"));
        people.admin().get("/api/users/usr_nosuch").then().statusCode(404);
    }

    @Test
    void noAnswerCarriesAPasswordOrItsHash() {
        String username = People.unique("secretive");
        String id = people.user(username, "viewer", null, null, PASSWORD).getString("id");
        for (String body : List.of(people.admin().get("/api/users/" + id).asString(), people.admin().get("/api/users").asString())) {
            assertFalse(body.contains("password"), body);
            assertFalse(body.contains("argon2"), body);
        }
        people.admin().body(Map.of("password", "another long password")).patch("/api/users/" + id).then().statusCode(200)
                .body("$", not(org.hamcrest.Matchers.hasKey("password")));
    }

    @Test
    void rolesAndSelfDecideWhoMayDoWhat() {
        String viewerId = people.user(People.unique("viewer"), "viewer", null, null, null).getString("id");
        String operatorId = people.user(People.unique("operator"), "operator", null, null, null).getString("id");
        String viewer = people.key(viewerId, "viewer");
        String operator = people.key(operatorId, "operator");

        people.as(viewer).get("/api/users").then().statusCode(403);
        people.as(viewer).body(Map.of("username", People.unique("x"), "role", "admin")).post("/api/users").then().statusCode(403);
        people.as(viewer).get("/api/users/me").then().statusCode(200).body("id", equalTo(viewerId));
        people.as(viewer).get("/api/auth/me").then().statusCode(200).body("id", equalTo(viewerId));
        people.as(viewer).get("/api/users/" + viewerId).then().statusCode(200);
        people.as(viewer).get("/api/users/" + operatorId).then().statusCode(403);
        people.as(viewer).body(Map.of("display_name", "Vera")).patch("/api/users/" + viewerId).then().statusCode(200)
                .body("display_name", equalTo("Vera"));
        people.as(viewer).body(Map.of("role", "admin")).patch("/api/users/" + viewerId).then().statusCode(403);
        people.as(viewer).body(Map.of("display_name", "Olga")).patch("/api/users/" + operatorId).then().statusCode(403);
        people.as(viewer).delete("/api/users/" + operatorId).then().statusCode(403);
        people.as(viewer).get("/api/orgs").then().statusCode(200);
        people.as(viewer).body(Map.of("name", "Mine")).post("/api/orgs").then().statusCode(403);

        // a user's own keys: theirs to list, make and revoke; nobody else's
        String ownKeyId = people.as(viewer).body(Map.of("name", "mine", "scopes", List.of("viewer")))
                .post("/api/users/" + viewerId + "/api-keys").then().statusCode(201).extract().jsonPath().getString("id");
        people.as(viewer).get("/api/users/" + viewerId + "/api-keys").then().statusCode(200).body("api_keys.id", hasItem(ownKeyId));
        people.as(viewer).get("/api/users/" + operatorId + "/api-keys").then().statusCode(403);
        people.as(viewer).body(Map.of("name", "theirs", "scopes", List.of("viewer"))).post("/api/users/" + operatorId + "/api-keys")
                .then().statusCode(403);
        people.admin().delete("/api/users/" + operatorId + "/api-keys/" + ownKeyId).then().statusCode(404);
        people.as(viewer).delete("/api/users/" + viewerId + "/api-keys/" + ownKeyId).then().statusCode(204);

        // the roles reach the owners' routes
        people.as(viewer).post("/api/cloud/jobs/submit").then().statusCode(403);
        people.as(operator).post("/api/cloud/jobs/submit").then().statusCode(200).body("scopes", equalTo("operator"));
        people.as(operator).get("/api/quotas/me").then().statusCode(200);
        people.as(operator).body("{}").post("/api/quotas").then().statusCode(403);
        people.as(operator).get("/api/approvals/requests").then().statusCode(200);
        people.as(viewer).get("/api/approvals/requests").then().statusCode(403);
        people.as(viewer).get("/api/approvals/me").then().statusCode(200);
        // an admin key of an admin user administers
        String adminId = people.user(People.unique("root"), "admin", null, null, null).getString("id");
        String admin = people.key(adminId, "admin");
        people.as(admin).get("/api/users").then().statusCode(200);
        people.as(admin).body(Map.of("role", "operator")).patch("/api/users/" + viewerId).then().statusCode(200)
                .body("role", equalTo("operator"));
        people.as(admin).delete("/api/users/" + adminId).then().statusCode(409).body("detail", containsString("yourself"));
    }

    @Test
    void aKeysScopesAreCappedByItsUsersRole() {
        String userId = people.user(People.unique("capped"), "viewer", null, null, null).getString("id");
        people.admin().body(Map.of("name", "too much", "scopes", List.of("operator"))).post("/api/users/" + userId + "/api-keys")
                .then().statusCode(400).body("errors[0].message", containsString("exceeds the user's role 'viewer'"));
        people.admin().body(Map.of("role", "operator")).patch("/api/users/" + userId).then().statusCode(200);
        String key = people.key(userId, "operator");
        people.as(key).post("/api/cloud/jobs/submit").then().statusCode(200).body("scopes", equalTo("operator"));
        // lowered: the key acts as a viewer from the next request on
        people.admin().body(Map.of("role", "viewer")).patch("/api/users/" + userId).then().statusCode(200);
        people.as(key).post("/api/cloud/jobs/submit").then().statusCode(403);
        people.as(key).get("/api/cloud/jobs/j1").then().statusCode(200).body("scopes", equalTo("viewer"));
    }

    @Test
    void deactivationStopsKeysAndSessionsAtOnceAndOnOtherReplicasWithinTheCacheTime() {
        String username = People.unique("leaver");
        String userId = people.user(username, "operator", null, null, PASSWORD).getString("id");
        String key = people.key(userId, "operator");
        String session = people.login(username, PASSWORD);
        people.as(key).get("/api/cloud/jobs").then().statusCode(200);
        people.withSession(session, null).get("/api/cloud/jobs").then().statusCode(200);
        // another replica, which has the key cached
        ApiKeyAuthenticator otherReplica = new ApiKeyAuthenticator(hasher, keys, prefixes, authConfig);
        assertTrue(otherReplica.authenticate(key).later().await().atMost(Duration.ofSeconds(5)).isPresent());
        assertTrue(otherReplica.authenticate(key).now().isPresent(), "cached");

        people.admin().delete("/api/users/" + userId).then().statusCode(200).body("is_active", equalTo(false));
        long deactivated = System.nanoTime();
        people.as(key).get("/api/cloud/jobs").then().statusCode(401);
        people.withSession(session, null).get("/api/cloud/jobs").then().statusCode(401);
        Sessions.from(Sessions.newClient()).contentType("application/json").body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login").then().statusCode(401);
        Optional<?> seen;
        do {
            ApiKeyAuthenticator.Verdict verdict = otherReplica.authenticate(key);
            seen = verdict.now() != null ? verdict.now() : verdict.later().await().atMost(Duration.ofSeconds(5));
        } while (seen.isPresent() && System.nanoTime() - deactivated < Duration.ofSeconds(3).toNanos());
        assertTrue(seen.isEmpty(), "another replica still takes the key");
        assertTrue(System.nanoTime() - deactivated < authConfig.keyCacheTtl().plusMillis(500).toNanos(),
                "another replica took the key for longer than the key cache time");

        // reactivated, the key works again; the ended session does not come back
        people.admin().body(Map.of("is_active", true)).patch("/api/users/" + userId).then().statusCode(200);
        people.as(key).get("/api/cloud/jobs").then().statusCode(200);
        people.withSession(session, null).get("/api/cloud/jobs").then().statusCode(401);
    }

    @Test
    void theOwnersAreToldWhoActsWithTheirOrganisationAndTeams() {
        String org = people.org(People.unique("Headers"));
        String b = people.team(org, "Bravo");
        String a = people.team(org, "Alpha");
        String username = People.unique("hedy");
        String userId = people.user(username, "operator", org, List.of(b, a), PASSWORD).getString("id");
        String key = people.key(userId, "viewer");
        JsonPath byKey = people.as(key).get("/api/cloud/jobs/j1").then().statusCode(200).extract().jsonPath();
        assertTrue(byKey.getString("actor").startsWith("key_"), byKey.getString("actor"));
        assertEquals("viewer", byKey.getString("scopes"));
        assertEquals(userId, byKey.getString("user"));
        assertEquals(username, byKey.getString("username"));
        assertEquals(org, byKey.getString("org"));
        assertEquals(String.join(",", List.of(a, b).stream().sorted().toList()), byKey.getString("teams"));

        String session = people.login(username, PASSWORD);
        JsonPath bySession = people.withSession(session, null).get("/api/cloud/jobs/j1").then().statusCode(200).extract().jsonPath();
        assertEquals("user:" + username, bySession.getString("actor"));
        assertEquals("operator", bySession.getString("scopes"));
        assertEquals(userId, bySession.getString("user"));
        assertEquals(byKey.getString("teams"), bySession.getString("teams"));

        // a client's own identity headers are dropped; the bootstrap key speaks for nobody
        JsonPath bootstrap = people.admin().header("X-Tuneops-User", "usr_forged").header("X-Tuneops-Teams", "team_forged")
                .get("/api/cloud/jobs/j1").then().statusCode(200).extract().jsonPath();
        assertEquals("bootstrap-admin", bootstrap.getString("actor"));
        assertEquals("null", bootstrap.getString("user"));
        assertEquals("null", bootstrap.getString("teams"));
    }

    @Test
    void theStatusSaysWhoIsSignedInAndHow() {
        Sessions.from(Sessions.newClient()).get("/api/auth/status").then().statusCode(200).body("authenticated", equalTo(false))
                .body("user", nullValue()).body("password_sign_in", equalTo(true)).body("needs_setup", equalTo(false));
        String username = People.unique("status");
        String userId = people.user(username, "viewer", null, null, PASSWORD).getString("id");
        people.as(people.key(userId, "viewer")).get("/api/auth/status").then().statusCode(200).body("authenticated", equalTo(true))
                .body("auth_method", equalTo("api_key")).body("user.id", equalTo(userId));
        people.withSession(people.login(username, PASSWORD), null).get("/api/auth/status").then().statusCode(200)
                .body("auth_method", equalTo("session")).body("user.username", equalTo(username));
        people.admin().get("/api/auth/status").then().statusCode(200).body("authenticated", equalTo(true)).body("user", nullValue());
        people.admin().get("/api/auth/me").then().statusCode(404).body("detail", containsString("belongs to no user"));
    }

    @Test
    void keysMadeWithTheBootstrapTokenBelongToTheBootstrapUser() {
        String keyId = people.admin().body(Map.of("name", "scripted", "scopes", List.of("operator"))).post("/api/auth/api-keys")
                .then().statusCode(201).body("user_id", equalTo("usr_bootstrap")).extract().jsonPath().getString("id");
        people.admin().get("/api/users/usr_bootstrap/api-keys").then().statusCode(200).body("api_keys.id", hasItem(keyId));
        people.admin().get("/api/users/usr_bootstrap").then().statusCode(200).body("username", equalTo("admin"))
                .body("role", equalTo("admin")).body("org_id", equalTo("org_default"));
    }
}
