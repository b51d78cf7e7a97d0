package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * People through the packaged gateway, with the real owners behind it: an admin makes an
 * organisation, a team and a user with a password; the user signs in, makes a key of their own
 * and uses it at webhook-service; deactivated, the user's key and session stop.
 */
@ExtendWith(Suite.Extension.class)
class PeopleIT {

    private static final Pattern SESSION = Pattern.compile("tuneops_session=([A-Za-z0-9_-]{43});");
    private static final String PASSWORD = "people system test passphrase";

    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address: its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));
    private final String suffix = Integer.toHexString(new Random().nextInt(1 << 24));

    private Http.Reply asAdmin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    private static JsonNode ok(int status, Http.Reply reply) {
        assertEquals(status, reply.status(), reply.body());
        return reply.body().isEmpty() ? null : reply.json();
    }

    @Test
    void aUserSignsInMakesAKeyAndLosesBothWhenDeactivated() {
        String orgId = ok(201, asAdmin("POST", "/api/orgs", "{\"name\":\"People IT " + suffix + "\"}")).get("id").asText();
        String teamId = ok(201, asAdmin("POST", "/api/orgs/" + orgId + "/teams", "{\"name\":\"Trainers\"}")).get("id").asText();
        String username = "pat-" + suffix;
        JsonNode user = ok(201, asAdmin("POST", "/api/users", "{\"username\":\"" + username + "\",\"display_name\":\"Pat\","
                + "\"email\":\"pat-" + suffix + "@example.com\",\"role\":\"operator\",\"password\":\"" + PASSWORD + "\","
                + "\"org_id\":\"" + orgId + "\",\"team_ids\":[\"" + teamId + "\"]}"));
        String userId = user.get("id").asText();
        assertFalse(user.toString().contains(PASSWORD), user.toString());
        assertEquals(teamId, user.get("team_ids").get(0).asText());

        Http.Reply login = Http.request("POST", suite.gateway("/api/auth/login"),
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\",\"remember_me\":false}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        JsonNode signedIn = ok(200, login);
        assertTrue(signedIn.get("success").asBoolean());
        assertEquals(userId, signedIn.get("user").get("id").asText());
        Matcher cookie = SESSION.matcher(String.valueOf(login.header("Set-Cookie")));
        assertTrue(cookie.find(), login.header("Set-Cookie"));
        String session = "tuneops_session=" + cookie.group(1);
        String csrf = signedIn.get("csrf_token").asText();

        JsonNode status = ok(200, Http.request("GET", suite.gateway("/api/auth/status"), null, "Cookie", session,
                "X-Forwarded-For", client));
        assertEquals("session", status.get("auth_method").asText());
        assertEquals(username, status.get("user").get("username").asText());

        // the user makes a key of their own with the session (and its CSRF token), and uses it at the owner
        JsonNode created = ok(201, Http.request("POST", suite.gateway("/api/users/" + userId + "/api-keys"),
                "{\"name\":\"pat script\",\"scopes\":[\"operator\"]}", "Cookie", session, "X-CSRF-Token", csrf,
                "Content-Type", "application/json", "X-Forwarded-For", client));
        String key = created.get("key").asText();
        assertEquals(userId, created.get("user_id").asText());
        ok(200, Http.request("GET", suite.gateway("/api/cloud/jobs"), null, "Authorization", "Bearer " + key, "X-Forwarded-For", client));
        JsonNode whoami = ok(200, Http.request("GET", suite.gateway("/api/auth/whoami"), null, "X-API-Key", key,
                "X-Forwarded-For", client));
        assertEquals(created.get("id").asText(), whoami.get("actor").asText());

        // the changes are in the audit trail with their actors
        assertTrue(auditHas("user.created", "bootstrap-admin", userId), "user.created");
        assertTrue(auditHas("api_key.created", "user:" + username, created.get("id").asText()), "api_key.created");

        JsonNode deactivated = ok(200, asAdmin("DELETE", "/api/users/" + userId, null));
        assertFalse(deactivated.get("is_active").asBoolean());
        assertEquals(401, Http.request("GET", suite.gateway("/api/cloud/jobs"), null, "Authorization", "Bearer " + key,
                "X-Forwarded-For", client).status());
        assertEquals(401, Http.request("GET", suite.gateway("/api/auth/me"), null, "Cookie", session, "X-Forwarded-For", client).status());
        assertEquals(401, Http.request("POST", suite.gateway("/api/auth/login"),
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}", "Content-Type", "application/json",
                "X-Forwarded-For", client).status());
        assertTrue(auditHas("user.deactivated", "bootstrap-admin", userId), "user.deactivated");
    }

    /** Whether the audit trail shows the event within a few seconds (audit-service reads the stream as it comes). */
    private boolean auditHas(String type, String actor, String target) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            Http.Reply events = Http.get(suite.gateway("/api/audit?event_type=" + type + "&limit=200"), "X-Forwarded-For", client);
            if (events.status() == 200 && events.body().contains(target) && events.body().contains(actor)) {
                return true;
            }
        } while (System.nanoTime() < deadline);
        return false;
    }
}
