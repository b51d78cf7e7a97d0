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
}
