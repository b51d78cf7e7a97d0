package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a console session may do: call the API with its key's scopes (unsafe methods with its CSRF
 * token, never from another site), and reach the console's pages with its identity vouched for.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class ConsoleAccessTest {

    private static final String SECRET = "test-only-internal-secret-0123456789abcdef";
    private static final String CSRF_REFUSED = "CSRF token missing or invalid";

    @Test
    void aSessionAuthenticatesTheApiWithItsKeysScopesAndStaysAtTheGateway() {
        TestKeys.Created viewer = TestKeys.createFrom(Sessions.newClient(), "console viewer", List.of("viewer"));
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, viewer.key());
        String csrf = Sessions.csrf(client, token);
        Sessions.from(client).header("Cookie", "theme=dark; " + Sessions.cookie(token) + "; lang=en").get("/api/cloud/jobs/j1")
                .then().statusCode(200).body("actor", equalTo(viewer.id())).body("scopes", equalTo("viewer"))
                .body("gateway_secret", equalTo(SECRET))
                // the owner gets the identity, and the browser's other cookies, never the session's
                .body("cookie", equalTo("theme=dark; lang=en"));
        // nor on an open route, nor beside a key, where the gateway decides without the session
        Sessions.from(client).header("Cookie", Sessions.cookie(token) + "; lang=en").get("/api/cloud/health/ready")
                .then().statusCode(200).body("cookie", equalTo("lang=en"));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("Authorization", "Bearer " + viewer.key())
                .get("/api/cloud/jobs/j1").then().statusCode(200).body("actor", equalTo(viewer.id())).body("cookie", equalTo("null"));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf)
                .post("/api/cloud/jobs/submit").then().statusCode(403).body("detail", equalTo("This session lacks the 'operator' scope"));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/audit").then().statusCode(403);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/auth/whoami").then().statusCode(200)
                .body("actor", equalTo(viewer.id())).body("client_ip", equalTo(client));

        // an admin's session administers keys, which is how the console lists them
        String admin = Sessions.signIn(client, TestKeys.ADMIN);
        Sessions.from(client).header("Cookie", Sessions.cookie(admin)).get("/api/auth/api-keys").then().statusCode(200)
                .body("api_keys.id", hasItem(viewer.id()));
    }

    @Test
    void anUnsafeRequestOnTheCookieNeedsTheSessionsCsrfToken() {
        TestKeys.Created operator = TestKeys.createFrom(Sessions.newClient(), "console operator", List.of("operator"));
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, operator.key());
        String csrf = Sessions.csrf(client, token);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).post("/api/cloud/jobs/submit").then()
                .statusCode(403).body("detail", equalTo(CSRF_REFUSED));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf.substring(1) + "x")
                .post("/api/cloud/jobs/submit").then().statusCode(403).body("detail", equalTo(CSRF_REFUSED));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf)
                .delete("/api/cloud/jobs/j1").then().statusCode(200).body("method", equalTo("DELETE"));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf)
                .post("/api/cloud/jobs/submit").then().statusCode(200).body("actor", equalTo(operator.id()));
        // reads need none
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(200);
        // the gateway's own routes are no exception
        String admin = Sessions.signIn(client, TestKeys.ADMIN);
        Sessions.from(client).header("Cookie", Sessions.cookie(admin)).contentType("application/json")
                .body("{\"name\":\"by cookie\",\"scopes\":[\"viewer\"]}").post("/api/auth/api-keys").then()
                .statusCode(403).body("detail", equalTo(CSRF_REFUSED));
        Sessions.from(client).header("Cookie", Sessions.cookie(admin)).header("X-CSRF-Token", Sessions.csrf(client, admin))
                .contentType("application/json").body("{\"name\":\"by cookie\",\"scopes\":[\"viewer\"]}")
                .post("/api/auth/api-keys").then().statusCode(201);
    }

    @Test
    void anotherSitesOriginIsRefusedEvenWithTheRightToken() {
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, TestKeys.ADMIN);
        String csrf = Sessions.csrf(client, token);
        // a listed CORS origin is still another site
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf)
                .header("Origin", "https://console.example.com").post("/api/cloud/jobs/submit").then()
                .statusCode(403).body("detail", equalTo(CSRF_REFUSED));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("Origin", "https://console.example.com")
                .post("/jobs/j1/cancel").then().statusCode(403).body("detail", equalTo(CSRF_REFUSED));
        // this site's own pages are welcome
        String own = "http://localhost:" + RestAssured.port;
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf).header("Origin", own)
                .post("/api/cloud/jobs/submit").then().statusCode(200).body("actor", equalTo("bootstrap-admin"));
    }

    @Test
    void anApiKeyTakesPrecedenceOverTheCookie() {
        TestKeys.Created viewer = TestKeys.createFrom(Sessions.newClient(), "console precedence", List.of("viewer"));
        String client = Sessions.newClient();
        String token = Sessions.signIn(client, viewer.key());
        // the key decides, so there is no cookie to forge a request with: no CSRF token needed
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("Authorization", "Bearer " + TestKeys.ADMIN)
                .post("/api/cloud/jobs/submit").then().statusCode(200).body("actor", equalTo("bootstrap-admin"));
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-API-Key", "tok_AAAAAAAA_" + "D".repeat(32))
                .get("/api/cloud/jobs").then().statusCode(401).body("detail", equalTo("Invalid, expired or revoked API key"));
    }

    @Test
    void consolePagesGoToTheConsoleAnonymousOrWithTheSessionVouchedFor() {
        String client = Sessions.newClient();
        for (String page : new String[]{"/", "/sign-in?error=invalid", "/jobs", "/jobs/j-1", "/jobs/rows?status=running",
                "/submit", "/providers/replicate", "/metrics", "/health", "/audit", "/keys", "/notifications",
                "/notifications/channels/nch_1", "/notifications/history?status=failed", "/assets/app.0123abcd.css"}) {
            // a client's own X-Tuneops-* headers are dropped on the way
            Sessions.from(client).header("X-Tuneops-Csrf", "forged").header("X-Tuneops-Actor", "admin").get(page).then()
                    .statusCode(200).body("uri", equalTo(page)).body("actor", equalTo("null")).body("scopes", equalTo("null"))
                    .body("csrf", equalTo("null")).body("client_ip", equalTo(client)).body("gateway_secret", equalTo(SECRET));
        }
        TestKeys.Created operator = TestKeys.createFrom(Sessions.newClient(), "console pages", List.of("operator"));
        String token = Sessions.signIn(client, operator.key());
        String csrf = Sessions.csrf(client, token);
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).header("X-Tuneops-Csrf", "forged").get("/jobs").then()
                .statusCode(200).body("actor", equalTo(operator.id())).body("scopes", equalTo("operator"))
                .body("csrf", equalTo(csrf)).body("client_ip", equalTo(client))
                // the console calls the gateway's API-key routes with the browser's cookie
                .body("cookie", equalTo(Sessions.cookie(token)));
        // the console checks its forms' own token: the gateway asks only that the post is this site's
        Sessions.from(client).header("Cookie", Sessions.cookie(token)).post("/jobs/j-1/cancel").then().statusCode(200)
                .body("method", equalTo("POST")).body("actor", equalTo(operator.id()));
        // a cookie whose session has ended is no identity, and a page is still a page
        Sessions.from(client).header("Cookie", Sessions.cookie("E".repeat(43))).get("/jobs").then().statusCode(200)
                .body("actor", equalTo("null")).body("csrf", equalTo("null")).body("cookie", equalTo("null"));
    }

    @Test
    void onlyTheConsolesPagesGoToTheConsole() {
        FakeOwnersResource.RECEIVED_URIS.clear();
        String client = Sessions.newClient();
        for (String path : new String[]{"/jobsx", "/no/such/page", "/signin", "/.env", "/jobs/../internal/metrics"}) {
            Sessions.from(client).get(path).then().statusCode(not(equalTo(200)));
        }
        Sessions.from(client).header("Authorization", "Bearer " + TestKeys.ADMIN).get("/no/such/page").then()
                .statusCode(404).body("detail", equalTo("Not Found"));
        assertEquals(List.of(), FakeOwnersResource.RECEIVED_URIS);
    }
}
