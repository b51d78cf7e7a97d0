package io.tuneops.gateway;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.testing.StandInIdentityProvider;
import io.tuneops.local.testing.StandInIdentityProvider.User;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

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
import java.util.concurrent.ThreadLocalRandom;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With auto-provisioning on, a verified address nobody has becomes a viewer; a deactivated user's never does. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
@WithTestResource(value = StandInProviderResource.class, initArgs = @ResourceArg(name = "auto-provision", value = "true"))
class OidcAutoProvisionTest {

    StandInIdentityProvider provider;

    @Inject
    Pool pool;

    @TestHTTPResource("/api/auth/oidc/login")
    URI login;

    @Test
    void aNewAddressBecomesAViewerOfTheDefaultOrganisation() throws Exception {
        String email = "New.Person-" + suffix() + "@Example.com";
        provider.signInAs(new User("sub-new", email, true, "New Person"));
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        HttpResponse<String> signedIn = signIn(cookies);

        assertEquals(200, signedIn.statusCode(), signedIn.body());
        String token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(Sessions.COOKIE))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
        String username = email.toLowerCase();
        Sessions.from(Sessions.newClient()).header("Cookie", Sessions.cookie(token)).get("/api/cloud/jobs").then()
                .statusCode(200).body("actor", equalTo("user:" + username)).body("scopes", equalTo("viewer"));
        RowSet<Row> rows = pool.preparedQuery("SELECT display_name, email, role, is_active, org_id FROM gateway.users"
                + " WHERE username = $1").execute(Tuple.of(username)).await().atMost(Duration.ofSeconds(10));
        assertEquals(1, rows.size());
        Row row = rows.iterator().next();
        assertEquals(List.of("New Person", email, "viewer", true, "org_default"), List.of(row.getString("display_name"),
                row.getString("email"), row.getString("role"), row.getBoolean("is_active"), row.getString("org_id")));

        // the next sign-in finds the user rather than making another
        assertEquals(200, signIn(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).statusCode());
        assertEquals(1, pool.preparedQuery("SELECT count(*) FROM gateway.users WHERE lower(email) = lower($1)")
                .execute(Tuple.of(email)).await().atMost(Duration.ofSeconds(10)).iterator().next().getInteger(0));
    }

    @Test
    void aDeactivatedUsersAddressIsNotProvisionedAgain() throws Exception {
        String suffix = suffix();
        String email = "left-" + suffix + "@example.com";
        pool.preparedQuery("INSERT INTO gateway.users (id, username, display_name, email, role, is_active, org_id)"
                        + " VALUES ($1, $2, 'Left', $3, 'admin', false, 'org_default')")
                .execute(Tuple.of("usr_left" + suffix, "left-" + suffix, email)).await().atMost(Duration.ofSeconds(10));
        provider.signInAs(User.of("sub-left", email));
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        HttpResponse<String> refused = signIn(cookies);

        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(cookies.getCookieStore().getCookies().isEmpty(), cookies.getCookieStore().getCookies().toString());
        assertEquals(1, pool.preparedQuery("SELECT count(*) FROM gateway.users WHERE email = $1")
                .execute(Tuple.of(email)).await().atMost(Duration.ofSeconds(10)).iterator().next().getInteger(0));
    }

    private HttpResponse<String> signIn(CookieManager cookies) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(login).header("X-Forwarded-For", Sessions.newClient())
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String suffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
