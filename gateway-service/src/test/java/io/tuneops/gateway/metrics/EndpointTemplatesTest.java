package io.tuneops.gateway.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointTemplatesTest {

    @Test
    void everyDocumentedRouteIsNamedByItsTemplate() {
        assertEquals("POST_/api/cloud/jobs/{job_id}/cancel", EndpointTemplates.of("POST", "/api/cloud/jobs/j-1/cancel"));
        assertEquals("GET_/api/cloud/storage", EndpointTemplates.of("GET", "/api/cloud/storage/"));
        assertEquals("GET_/api/cloud/storage/{bucket}/{key}", EndpointTemplates.of("GET", "/api/cloud/storage/b/a/b.bin"));
        assertEquals("GET_/api/cloud/health/ready", EndpointTemplates.of("GET", "/api/cloud/health/ready"));
        assertEquals("GET_other", EndpointTemplates.of("GET", "/api/cloud/jobsx"));
    }

    @Test
    void theConsolesPagesAreNamedWithoutIds() {
        assertEquals("POST_/api/auth/session", EndpointTemplates.of("POST", "/api/auth/session"));
        assertEquals("POST_/api/auth/session/end", EndpointTemplates.of("POST", "/api/auth/session/end"));
        assertEquals("GET_/", EndpointTemplates.of("GET", "/"));
        assertEquals("GET_/jobs", EndpointTemplates.of("GET", "/jobs"));
        assertEquals("GET_/jobs/rows", EndpointTemplates.of("GET", "/jobs/rows"));
        assertEquals("GET_/jobs/{job_id}", EndpointTemplates.of("GET", "/jobs/j-42"));
        assertEquals("POST_/jobs/{job_id}/cancel", EndpointTemplates.of("POST", "/jobs/j-42/cancel"));
        assertEquals("GET_/providers/{provider}", EndpointTemplates.of("GET", "/providers/replicate"));
        assertEquals("GET_/assets/{asset}", EndpointTemplates.of("GET", "/assets/htmx.1a2b3c4d.js"));
        assertEquals("GET_other", EndpointTemplates.of("GET", "/jobs/j-42/other"));
        assertEquals("GET_other", EndpointTemplates.of("GET", "/no/such/page"));
    }

    @Test
    void peopleQuotaAndApprovalRoutesAreNamedWithoutIds() {
        assertEquals("PATCH_/api/users/{id}", EndpointTemplates.of("PATCH", "/api/users/usr_1"));
        assertEquals("GET_/api/users/me", EndpointTemplates.of("GET", "/api/users/me"));
        assertEquals("DELETE_/api/users/{id}/api-keys/{key}", EndpointTemplates.of("DELETE", "/api/users/usr_1/api-keys/key_1"));
        assertEquals("GET_/api/orgs/{org}/teams", EndpointTemplates.of("GET", "/api/orgs/org_1/teams"));
        assertEquals("GET_/api/orgs/{org}/teams/{team}/members", EndpointTemplates.of("GET", "/api/orgs/org_1/teams/t/members"));
        assertEquals("POST_/api/orgs/{org}/quotas", EndpointTemplates.of("POST", "/api/orgs/org_1/quotas"));
        assertEquals("POST_/api/auth/login", EndpointTemplates.of("POST", "/api/auth/login"));
        assertEquals("GET_/api/quotas/types", EndpointTemplates.of("GET", "/api/quotas/types"));
        assertEquals("GET_/api/quotas/{id}", EndpointTemplates.of("GET", "/api/quotas/quota_1"));
        assertEquals("POST_/api/approvals/requests/{id}/{action}", EndpointTemplates.of("POST", "/api/approvals/requests/apr_1/approve"));
        assertEquals("GET_/users", EndpointTemplates.of("GET", "/users"));
    }

    @Test
    void aProvidersReceiverAndAnEventWebhookAreNamedApart() {
        assertEquals("POST_/api/webhooks/{provider}", EndpointTemplates.of("POST", "/api/webhooks/replicate"));
        assertEquals("GET_/api/webhooks/{id}", EndpointTemplates.of("GET", "/api/webhooks/nch_1"));
        assertEquals("PATCH_/api/webhooks/{id}", EndpointTemplates.of("PATCH", "/api/webhooks/nch_1"));
        assertEquals("DELETE_/api/webhooks/{id}", EndpointTemplates.of("DELETE", "/api/webhooks/nch_1"));
        assertEquals("POST_/api/webhooks/{id}/test", EndpointTemplates.of("POST", "/api/webhooks/nch_1/test"));
        assertEquals("GET_/api/webhooks/{id}/history", EndpointTemplates.of("GET", "/api/webhooks/nch_1/history"));
        assertEquals("GET_/api/webhooks/events", EndpointTemplates.of("GET", "/api/webhooks/events"));
        assertEquals("POST_/api/webhooks", EndpointTemplates.of("POST", "/api/webhooks"));
        assertEquals("GET_other", EndpointTemplates.of("GET", "/api/webhooks/nch_1/other"));
    }

    @Test
    void notificationRoutesAndPagesAreNamedWithoutIds() {
        assertEquals("GET_/api/cloud/notifications/channels", EndpointTemplates.of("GET", "/api/cloud/notifications/channels"));
        assertEquals("PATCH_/api/cloud/notifications/channels/{id}",
                EndpointTemplates.of("PATCH", "/api/cloud/notifications/channels/nch_1"));
        assertEquals("POST_/api/cloud/notifications/channels/{id}/test",
                EndpointTemplates.of("POST", "/api/cloud/notifications/channels/nch_1/test"));
        assertEquals("DELETE_/api/cloud/notifications/preferences/{id}",
                EndpointTemplates.of("DELETE", "/api/cloud/notifications/preferences/npr_1"));
        assertEquals("GET_/api/cloud/notifications/presets/{id}", EndpointTemplates.of("GET", "/api/cloud/notifications/presets/gmail"));
        assertEquals("POST_/api/cloud/notifications/history/{id}/retry",
                EndpointTemplates.of("POST", "/api/cloud/notifications/history/42/retry"));
        assertEquals("POST_/api/cloud/notifications/skip", EndpointTemplates.of("POST", "/api/cloud/notifications/skip"));
        assertEquals("GET_/notifications", EndpointTemplates.of("GET", "/notifications"));
        assertEquals("GET_/notifications/history", EndpointTemplates.of("GET", "/notifications/history"));
        assertEquals("GET_/notifications/channels/{id}", EndpointTemplates.of("GET", "/notifications/channels/nch_1"));
        assertEquals("POST_/notifications/channels/{id}/{action}", EndpointTemplates.of("POST", "/notifications/channels/nch_1/test"));
        assertEquals("POST_/notifications/preferences/{id}/delete",
                EndpointTemplates.of("POST", "/notifications/preferences/npr_1/delete"));
        assertEquals("POST_/notifications/{change}", EndpointTemplates.of("POST", "/notifications/history/42/retry"));
        assertEquals("POST_/notifications/{change}", EndpointTemplates.of("POST", "/notifications/preferences/mute"));
    }
}
