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
}
