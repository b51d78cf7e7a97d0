package io.tuneops.support.http;

import io.tuneops.support.http.VouchedAccess.Access;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VouchedAccessTest {

    @Test
    void scopesNestAdminOverOperatorOverViewer() {
        assertTrue(VouchedAccess.sufficient("admin", Access.VIEWER));
        assertTrue(VouchedAccess.sufficient("admin", Access.OPERATOR));
        assertTrue(VouchedAccess.sufficient("admin", Access.ADMIN));
        assertTrue(VouchedAccess.sufficient("operator", Access.VIEWER));
        assertFalse(VouchedAccess.sufficient("operator", Access.ADMIN));
        assertFalse(VouchedAccess.sufficient("viewer", Access.OPERATOR));
    }

    @Test
    void rulesJudgeThePathQuarkusRestRoutesWithoutSegmentParametersOrATrailingSlash() {
        assertEquals("/api/webhooks", VouchedAccess.routedPath("/api/webhooks/;x"));
        assertEquals("/api/webhooks", VouchedAccess.routedPath("/api/webhooks/"));
        assertEquals("/", VouchedAccess.routedPath("/"));
        assertEquals("/api/approvals/rules/r1", VouchedAccess.routedPath("/api/approvals/rules;x/r1"));
        assertEquals("/api/users/u1", VouchedAccess.routedPath("/api/users/u1;a=b;c"));
        assertEquals("/api/cloud/jobs/j1", VouchedAccess.routedPath("/api/cloud/jobs/j1"));
    }

    @Test
    void theGatewaysListIsReadWholeAndUnknownScopesGrantNothing() {
        assertTrue(VouchedAccess.sufficient("viewer, admin", Access.ADMIN));
        assertTrue(VouchedAccess.sufficient("admin,operator,viewer", Access.ADMIN));
        assertFalse(VouchedAccess.sufficient("root,superuser", Access.VIEWER));
        assertFalse(VouchedAccess.sufficient("open", Access.VIEWER));
        assertFalse(VouchedAccess.sufficient("Admin", Access.VIEWER));
        assertFalse(VouchedAccess.sufficient("", Access.VIEWER));
        assertFalse(VouchedAccess.sufficient(null, Access.VIEWER));
        assertTrue(VouchedAccess.sufficient(null, Access.OPEN));
    }
}
