package io.tuneops.gateway.session;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NextPathTest {

    @Test
    void pathsOfThisSiteAreKept() {
        for (String next : new String[]{"/", "/jobs", "/jobs/j-1?tab=logs#outputs", "/providers/replicate", "/a/%2F%2Fb"}) {
            assertEquals(next, NextPath.orHome(next));
        }
    }

    @Test
    void anythingABrowserCouldTakeForAnotherSiteGoesHome() {
        for (String next : new String[]{null, "", "jobs", "https://evil.example", "//evil.example", "///evil.example",
                "/\\evil.example", "/jobs\\..", "javascript:alert(1)", "/jobs\r\nSet-Cookie: x=1", "/jobs x", "/é",
                "/" + "a".repeat(600)}) {
            assertEquals("/", NextPath.orHome(next), String.valueOf(next));
        }
    }
}
