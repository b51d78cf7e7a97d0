package io.tuneops.gateway.routing;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aRoutingPrefixCoversItselfAndWhatIsBelowItWithParametersStandingForOneSegment() {
        String orgQuotas = "/api/orgs/{org_id}/quotas";
        assertTrue(RoutePatterns.templated(orgQuotas));
        assertFalse(RoutePatterns.templated("/api/orgs"));
        for (String path : new String[]{"/api/orgs/org_1/quotas", "/api/orgs/org_1/quotas/q1", "/api/orgs/{org}/quotas"}) {
            assertTrue(RoutePatterns.covers(orgQuotas, path), path);
            assertTrue(path.matches(RoutePatterns.regexOf(orgQuotas)) || path.contains("{"), path);
        }
        for (String path : new String[]{"/api/orgs/org_1", "/api/orgs//quotas", "/api/orgs/org_1/teams/t/quotas",
                "/api/orgs/org_1/quotasx", "/api/orgs"}) {
            assertFalse(RoutePatterns.covers(orgQuotas, path), path);
            assertFalse(path.matches(RoutePatterns.regexOf(orgQuotas)), path);
        }
        assertTrue(RoutePatterns.covers("/api/orgs", "/api/orgs/org_1/teams"));
        assertFalse(RoutePatterns.covers("/api/orgs", "/api/orgsx"));
        assertTrue("/api/orgs/o/teams/t/quotas".matches(RoutePatterns.regexOf("/api/orgs/{org_id}/teams/{team_id}/quotas")));
    }
}
