package io.tuneops.gateway.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class OwnOriginTest {

    @Test
    void originsCompareWithoutCaseOrTheSchemesDefaultPort() {
        assertEquals("https://tuneops.example.com", OwnOrigin.normalize("https://TuneOps.example.com:443"));
        assertEquals("http://tuneops.example.com", OwnOrigin.normalize("http://tuneops.example.com:80"));
        assertEquals("http://localhost:8080", OwnOrigin.normalize("http://localhost:8080"));
        assertEquals("https://tuneops.example.com:8443", OwnOrigin.normalize("HTTPS://tuneops.example.com:8443"));
        assertEquals("http://[::1]:8080", OwnOrigin.normalize("http://[::1]:8080"));
        // a public URL may carry a path; its origin is what counts
        assertEquals("https://example.com", OwnOrigin.normalize("https://example.com/tuneops/"));
    }

    @Test
    void whatIsNoWebOriginIsNobodysOrigin() {
        assertNull(OwnOrigin.normalize(null));
        assertNull(OwnOrigin.normalize("null"));
        assertNull(OwnOrigin.normalize("file:///etc/passwd"));
        assertNull(OwnOrigin.normalize("chrome-extension://abc"));
        assertNull(OwnOrigin.normalize("http://"));
        assertNull(OwnOrigin.normalize("http://exa mple.com"));
    }
}
