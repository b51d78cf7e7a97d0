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
}
