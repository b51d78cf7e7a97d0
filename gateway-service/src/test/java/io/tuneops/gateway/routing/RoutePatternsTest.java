package io.tuneops.gateway.routing;

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
}
