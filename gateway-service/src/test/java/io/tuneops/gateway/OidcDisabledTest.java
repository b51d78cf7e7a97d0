package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/** Without TUNEOPS_OIDC_ENABLED, OpenID Connect sign-in is not there: its paths are the gateway's plain 404s. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class OidcDisabledTest {

    @Test
    void theSignInPathsAnswer404AndSetNothing() {
        String client = Sessions.newClient();
        for (String path : new String[]{"/api/auth/oidc/login", "/api/auth/oidc/callback?code=abc&state=def",
                "/api/auth/oidc/error?error=access_denied"}) {
            Sessions.from(client).get(path).then().statusCode(404)
                    .header("Content-Type", startsWith("application/json"))
                    .header("Location", (String) null).header("Set-Cookie", (String) null)
                    .body("detail", equalTo("OpenID Connect sign-in is not configured"));
        }
    }
}
