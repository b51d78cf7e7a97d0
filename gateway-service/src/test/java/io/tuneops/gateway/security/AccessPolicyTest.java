package io.tuneops.gateway.security;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AccessPolicyTest {

    private final AccessPolicy policy = new AccessPolicy();

    @Test
    void theConsolesPagesAreOpenWithOptionalIdentity() {
        for (String page : new String[]{"/", "/sign-in", "/jobs", "/jobs/j-1", "/jobs/rows", "/submit", "/providers",
                "/providers/replicate", "/metrics", "/health", "/audit", "/keys", "/assets/htmx.1a2b3c4d.js", "/favicon.ico"}) {
            assertEquals(Access.CONSOLE, policy.accessFor(HttpMethod.GET, page), page);
            assertEquals(Access.CONSOLE, policy.accessFor(HttpMethod.POST, page), page);
        }
    }

    @Test
    void pathsNobodyServesStayClosed() {
        for (String path : new String[]{"/jobsx", "/favicon.icox", "/faviconxico", "/no/such/page", "/api", "/api/unknown",
                "/internal/metrics", "/q/dev"}) {
            assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, path), path);
        }
    }

    @Test
    void theSessionRoutesAnswerForThemselves() {
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.POST, "/api/auth/session"));
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.GET, "/api/auth/session"));
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.POST, "/api/auth/session/end"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/auth/session/other"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/auth/api-keys"));
    }
}
