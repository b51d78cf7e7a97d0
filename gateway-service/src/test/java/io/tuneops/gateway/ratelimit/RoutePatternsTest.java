package io.tuneops.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoutePatternsTest {

    @Test
    void theLiteralPrefixStopsAtTheFirstMetacharacterAndDropsAQuantifiedCharacter() {
        assertEquals("/api/cloud/storage", RoutePatterns.literalPrefix("/api/cloud/storage/?"));
        assertEquals("/api/cloud/health", RoutePatterns.literalPrefix("/api/cloud/health(/live|/ready)?"));
        assertEquals("/api/webhooks/", RoutePatterns.literalPrefix("/api/webhooks/[^/]+(/.*)?"));
        assertEquals("/api/cloud/jobs/", RoutePatterns.literalPrefix("/api/cloud/jobs/.+/cancel"));
        assertEquals("", RoutePatterns.literalPrefix("(a|b)"));
        assertEquals("/ab", RoutePatterns.literalPrefix("/abc*"));
        assertEquals("/api/x", RoutePatterns.literalPrefix("/api/x"));
    }

    @Test
    void endpointTemplatesStillNameEveryDocumentedRoute() {
        assertEquals("POST_/api/cloud/jobs/{job_id}/cancel", EndpointTemplates.of("POST", "/api/cloud/jobs/j-1/cancel"));
        assertEquals("GET_/api/cloud/storage", EndpointTemplates.of("GET", "/api/cloud/storage/"));
        assertEquals("GET_/api/cloud/storage/{bucket}/{key}", EndpointTemplates.of("GET", "/api/cloud/storage/b/a/b.bin"));
        assertEquals("GET_/api/cloud/health/ready", EndpointTemplates.of("GET", "/api/cloud/health/ready"));
        assertEquals("GET_other", EndpointTemplates.of("GET", "/api/cloud/jobsx"));
    }
}
