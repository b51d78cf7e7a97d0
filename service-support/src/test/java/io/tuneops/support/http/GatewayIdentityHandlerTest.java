package io.tuneops.support.http;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class GatewayIdentityHandlerTest {

    @Test
    void everyHeaderOnlyTheGatewayMaySetIsDroppedTheConsolesCsrfTokenIncluded() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add(GatewayIdentityHandler.ACTOR_HEADER, "admin")
                .add(GatewayIdentityHandler.SCOPES_HEADER, "admin")
                .add(GatewayIdentityHandler.CLIENT_IP_HEADER, "10.0.0.1")
                .add("x-tuneops-csrf", "forged")
                .add(GatewayIdentityHandler.SECRET_HEADER, "guess")
                .add("X-CSRF-Token", "the browser's own")
                .add("Cookie", "tuneops_session=abc");
        GatewayIdentityHandler.stripInternalHeaders(headers);
        assertFalse(headers.contains(GatewayIdentityHandler.CSRF_HEADER));
        assertEquals(2, headers.size(), headers.toString());
        assertEquals("the browser's own", headers.get("X-CSRF-Token"));
    }
}
