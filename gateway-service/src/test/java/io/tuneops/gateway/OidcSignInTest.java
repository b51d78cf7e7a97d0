package io.tuneops.gateway;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.StandInIdentityProvider;
import io.tuneops.local.testing.StandInIdentityProvider.User;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenID Connect sign-in against a stand-in provider that speaks the real protocol: a browser-like
 * client (cookies kept, redirects followed) goes from /api/auth/oidc/login through the provider
 * and back, and ends with a tuneops session, or with a refusal and none.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
@WithTestResource(StandInProviderResource.class)
class OidcSignInTest {

    private static final String LOGIN = "/api/auth/oidc/login";
    private static final String CALLBACK = "/api/auth/oidc/callback";

    StandInIdentityProvider provider;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @TestHTTPResource("/")
    URI gateway;

    /**
     * A browser: its own cookie jar and client address, following redirects or not. The JDK's client
     * upgrades to HTTP/2 (h2c), as a browser speaks HTTP/2 to a gateway that ends TLS itself.
     */
    private record Browser(HttpClient http, CookieManager cookies, String address) {

        static Browser of(boolean followRedirects) {
            CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
            HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER).build();
            return new Browser(http, cookies, Sessions.newClient());
        }

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            // through the trusted loopback proxy: this browser's own address for rate limits and audit folds
            return http.send(HttpRequest.newBuilder(uri).header("X-Forwarded-For", address).timeout(Duration.ofSeconds(20))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        Optional<String> cookie(String name) {
            return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                    .map(HttpCookie::getValue).findFirst();
        }

        List<String> cookieNames() {
            return cookies.getCookieStore().getCookies().stream().map(HttpCookie::getName).toList();
        }
    }

    @Test
    void theCodeFlowEndsWithAStrictSessionThatActsAsTheUser() throws Exception {
        String suffix = suffix();
        String email = "alice-" + suffix + "@example.com";
        String username = user(suffix, email, "viewer", true);
        // the address matches whatever its case
        provider.signInAs(User.of("sub-" + suffix, email.toUpperCase()));
        int exchanged = provider.tokensIssued();
        Browser browser = Browser.of(true);

        HttpResponse<String> signedIn = browser.get(gateway.resolve(LOGIN));

        assertEquals(200, signedIn.statusCode(), signedIn.body());
        assertEquals(CALLBACK, signedIn.uri().getPath());
        assertTrue(signedIn.body().contains("<meta http-equiv=\"refresh\" content=\"0;url=/\">"), signedIn.body());
        assertEquals("default-src 'none'; frame-ancestors 'none'",
                signedIn.headers().firstValue("Content-Security-Policy").orElse(""), "a sandbox would make the move to / another site's");
        assertEquals(exchanged + 1, provider.tokensIssued());
        Map<String, String> asked = provider.lastAuthorization();
        assertEquals(gateway.resolve(CALLBACK).toString(), asked.get("redirect_uri"));
        assertEquals("S256", asked.get("code_challenge_method"));
        assertNotNull(asked.get("nonce"));
        assertTrue(asked.get("scope").contains("email"), asked.get("scope"));

        String setCookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(setCookie.endsWith("; Path=/; HttpOnly; SameSite=Strict"), setCookie);
        String token = browser.cookie(Sessions.COOKIE).orElseThrow();
        // quarkus-oidc's own session and state never outlive the sign-in
        assertTrue(browser.cookieNames().stream().noneMatch(name -> name.startsWith("q_")), browser.cookieNames().toString());

        // the cookie works on a viewer route, and the owner hears the user with the user's role
        Sessions.from(browser.address()).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then()
                .statusCode(200).body("actor", equalTo("user:" + username)).body("scopes", equalTo("viewer"))
                .body("cookie", equalTo("null"));

        List<String> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+"))
                .stream().map(m -> m.payload().get("event")).filter(e -> e.contains("\"login.succeeded\"") && e.contains(username))
                .toList();
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).contains("\"method\":\"oidc\"") && events.get(0).contains("\"subject\":\"sub-" + suffix + "\""),
                events.get(0));

        // signing out ends the tuneops session
        String csrf = Sessions.csrf(browser.address(), token);
        Sessions.from(browser.address()).header("Cookie", Sessions.cookie(token)).header("X-CSRF-Token", csrf)
                .contentType("application/json").post("/api/auth/session/end").then().statusCode(204);
        Sessions.from(browser.address()).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then().statusCode(401);
    }

    @Test
    void anUnknownOrInactiveUserIsRefusedWithoutASession() throws Exception {
        String suffix = suffix();
        String inactive = "gone-" + suffix + "@example.com";
        user(suffix, inactive, "admin", false);
        for (String email : List.of("nobody-" + suffix + "@example.com", inactive)) {
            provider.signInAs(User.of("sub-" + email, email));
            Browser browser = Browser.of(true);

            HttpResponse<String> refused = browser.get(gateway.resolve(LOGIN));

            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("no active tuneops account has your e-mail address"), refused.body());
            assertTrue(refused.body().contains(StandInProviderResource.PROVIDER_NAME), refused.body());
            assertTrue(browser.cookieNames().isEmpty(), email + ": " + browser.cookieNames());
        }
        List<String> events = redis.stream(String.class).xrange("tuneops:audit:events", StreamRange.of("-", "+"))
                .stream().map(m -> m.payload().get("event")).filter(e -> e.contains("nobody-" + suffix)).toList();
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).contains("\"login.failed\"") && events.get(0).contains("\"reason\":\"no_active_user\""),
                events.get(0));
    }

    @Test
    void anAddressTheProviderHasNotVerifiedSignsNobodyIn() throws Exception {
        assertSignsNobodyIn("unverified-", false);
    }

    @Test
    void anAddressTheProviderDoesNotSayIsVerifiedSignsNobodyInByDefault() throws Exception {
        // as Entra ID issues tokens: an address, no email_verified claim
        assertSignsNobodyIn("unsaid-", null);
    }

    /** A token whose address has {@code emailVerified} (null: no claim) for an active admin's address opens no session. */
    private void assertSignsNobodyIn(String prefix, Boolean emailVerified) throws Exception {
        String suffix = suffix();
        String email = prefix + suffix + "@example.com";
        user(suffix, email, "admin", true);
        provider.signInAs(new User("sub-" + suffix, email, emailVerified, "Mallory"));
        Browser browser = Browser.of(true);

        HttpResponse<String> refused = browser.get(gateway.resolve(LOGIN));

        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("did not give a verified e-mail address"), refused.body());
        assertTrue(browser.cookie(Sessions.COOKIE).isEmpty());
    }

    @Test
    void aTamperedStateIsRefusedBeforeTheCodeIsExchanged() throws Exception {
        String suffix = suffix();
        user(suffix, "tamper-" + suffix + "@example.com", "admin", true);
        provider.signInAs(User.of("sub-" + suffix, "tamper-" + suffix + "@example.com"));
        Browser browser = Browser.of(false);

        HttpResponse<String> toProvider = browser.get(gateway.resolve(LOGIN));
        assertEquals(302, toProvider.statusCode());
        String authorize = toProvider.headers().firstValue("Location").orElseThrow();
        assertTrue(authorize.startsWith(provider.issuer() + "/authorize?"), authorize);
        String stateCookie = toProvider.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("q_auth"))
                .findFirst().orElseThrow();
        assertTrue(stateCookie.contains("Path=/api/auth/oidc") && stateCookie.toLowerCase().contains("httponly"), stateCookie);

        HttpResponse<String> back = browser.get(URI.create(authorize));
        assertEquals(302, back.statusCode());
        String callback = back.headers().firstValue("Location").orElseThrow();
        assertTrue(callback.startsWith(gateway.resolve(CALLBACK) + "?code="), callback);
        String tampered = callback.replaceFirst("state=([^&]+)", "state=$1x");
        int exchanged = provider.tokensIssued();

        HttpResponse<String> refused = browser.get(URI.create(tampered));

        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals(exchanged, provider.tokensIssued(), "the code was exchanged");
        assertTrue(browser.cookie(Sessions.COOKIE).isEmpty());
        assertFalse(refused.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(Sessions.COOKIE)));
    }

    @Test
    void otherRoutesNeverMeetTheCodeFlow() {
        String client = Sessions.newClient();
        // no credentials: the gateway's own 401, not a redirect to the provider
        Sessions.from(client).get("/api/cloud/jobs").then().statusCode(401)
                .header("Location", (String) null).header("Set-Cookie", (String) null)
                .body("detail", containsString("API key"));
        Sessions.from(client).header("Authorization", "Bearer " + TestKeys.ADMIN).get("/api/cloud/jobs").then()
                .statusCode(200).header("Set-Cookie", (String) null).body("actor", equalTo("bootstrap-admin"));
    }

    /** A user of the default organisation, straight into the table; answers the username. */
    private String user(String suffix, String email, String role, boolean active) {
        String username = "oidc-" + suffix + (active ? "" : "-off");
        pool.preparedQuery("INSERT INTO gateway.users (id, username, display_name, email, role, is_active, org_id)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, 'org_default')")
                .execute(Tuple.tuple(List.of("usr_" + suffix + (active ? "" : "0"), username, "OIDC " + suffix, email, role, active)))
                .await().atMost(Duration.ofSeconds(10));
        return username;
    }

    private static String suffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
