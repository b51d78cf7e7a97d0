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
        // anyone manages their own keys there; the resource keeps everyone else's to admins
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/auth/api-keys"));
    }

    @Test
    void peopleRoutesAreForAdminsExceptWhatAUserDoesToThemself() {
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.POST, "/api/auth/login"));
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.POST, "/api/auth/logout"));
        assertEquals(Access.KEY_OPTIONAL, policy.accessFor(HttpMethod.GET, "/api/auth/status"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/auth/me"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/auth/login"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/users"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/users"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/users/me"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/users/usr_1"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.PATCH, "/api/users/usr_1"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.DELETE, "/api/users/usr_1"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.POST, "/api/users/usr_1/api-keys"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.DELETE, "/api/users/usr_1/api-keys/key_1"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.PATCH, "/api/users/usr_1/api-keys/key_1"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/orgs/org_1/teams/team_1/members"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/orgs/org_1/teams/team_1/members"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.PATCH, "/api/orgs/org_1"));
    }

    @Test
    void quotasApprovalsAndCostsFollowTheContract() {
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/orgs/org_1/quotas"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/orgs/org_1/quotas"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/orgs/org_1/teams/team_1/quotas"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/orgs/org_1/teams/team_1/quotas"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/quotas/types"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/quotas/user/usr_1"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.POST, "/api/quotas/cost-estimate"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/quotas"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.DELETE, "/api/quotas/quota_1"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/approvals/me"));
        assertEquals(Access.OPERATOR, policy.accessFor(HttpMethod.GET, "/api/approvals/rules"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/approvals/rules"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/approvals/expire"));
        assertEquals(Access.OPERATOR, policy.accessFor(HttpMethod.POST, "/api/approvals/requests/apr_1/approve"));
        assertEquals(Access.OPERATOR, policy.accessFor(HttpMethod.GET, "/api/approvals/requests"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/cloud/hardware-options"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.POST, "/api/cloud/cost-estimate"));
        for (String page : new String[]{"/users", "/users/usr_1", "/teams", "/quotas", "/approvals"}) {
            assertEquals(Access.CONSOLE, policy.accessFor(HttpMethod.GET, page), page);
        }
    }

    @Test
    void onlyAProvidersReceiverIsOpenUnderWebhooksAndTheEventWebhooksAreAdmins() {
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.POST, "/api/webhooks/replicate"));
        assertEquals(Access.PUBLIC, policy.accessFor(HttpMethod.POST, "/api/webhooks/generic"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, "/api/webhooks/events"));
        for (HttpMethod method : new HttpMethod[]{HttpMethod.GET, HttpMethod.POST}) {
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks"), method.name());
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks/"), method.name());
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks/nch_1/test"), method.name());
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks/nch_1/history"), method.name());
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks/replicate/anything"), method.name());
        }
        for (HttpMethod method : new HttpMethod[]{HttpMethod.GET, HttpMethod.PATCH, HttpMethod.PUT, HttpMethod.DELETE}) {
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks/nch_1"), method.name());
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/webhooks/replicate"), method.name());
        }
    }

    @Test
    void notificationsAreReadByViewersAndConfiguredByAdmins() {
        for (String read : new String[]{"/api/cloud/notifications/channels", "/api/cloud/notifications/channels/nch_1",
                "/api/cloud/notifications/presets", "/api/cloud/notifications/presets/gmail",
                "/api/cloud/notifications/events", "/api/cloud/notifications/status",
                "/api/cloud/notifications/preferences"}) {
            assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.GET, read), read);
        }
        // a viewer keeps their own preferences (the owner holds a non-admin to scope "user", themself)
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.POST, "/api/cloud/notifications/preferences"));
        assertEquals(Access.VIEWER, policy.accessFor(HttpMethod.DELETE, "/api/cloud/notifications/preferences/npr_1"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/cloud/notifications/preferences/npr_1"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/cloud/notifications/channels"));
        for (HttpMethod method : new HttpMethod[]{HttpMethod.PATCH, HttpMethod.PUT, HttpMethod.DELETE}) {
            assertEquals(Access.ADMIN, policy.accessFor(method, "/api/cloud/notifications/channels/nch_1"), method.name());
        }
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/cloud/notifications/channels/nch_1/test"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/cloud/notifications/channels/nch_1/test"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/cloud/notifications/history"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/cloud/notifications/history/17/retry"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.POST, "/api/cloud/notifications/skip"));
        assertEquals(Access.ADMIN, policy.accessFor(HttpMethod.GET, "/api/cloud/notifications/unknown"));
        for (String page : new String[]{"/notifications", "/notifications/preferences", "/notifications/history",
                "/notifications/channels/nch_1", "/notifications/history/17/retry"}) {
            assertEquals(Access.CONSOLE, policy.accessFor(HttpMethod.GET, page), page);
            assertEquals(Access.CONSOLE, policy.accessFor(HttpMethod.POST, page), page);
        }
    }
}
