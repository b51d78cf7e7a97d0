package io.tuneops.console.web;

import io.tuneops.console.client.ApiProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's rules that need no server: CSRF, sign-in redirects, scopes, errors, fingerprints. */
class WebRulesTest {

    private static final String TOKEN = "csrf-token-of-the-session-0123456789abcdef";

    @Test
    void theCsrfTokenMustMatchExactly() {
        Visitor visitor = new Visitor("key_a", "admin", null, TOKEN);
        Csrf.require(visitor, TOKEN, null);
        Csrf.require(visitor, null, TOKEN);
        assertThrows(Refused.class, () -> Csrf.require(visitor, null, null));
        assertThrows(Refused.class, () -> Csrf.require(visitor, TOKEN + "x", null));
        assertThrows(Refused.class, () -> Csrf.require(visitor, "", ""));
        Visitor noToken = new Visitor("key_a", "admin", null, null);
        assertThrows(Refused.class, () -> Csrf.require(noToken, "", null));
        assertFalse(Csrf.accepted("", ""));
    }

    @Test
    void signInComesBackOnlyToAPathOnThisSite() {
        assertEquals("/sign-in?next=%2Fjobs%3Fstatus%3Drunning", SignInGate.signInFor("/jobs?status=running"));
        assertEquals("/sign-in", SignInGate.signInFor("/"));
        assertEquals("/sign-in", SignInGate.signInFor("//evil.example/"));
        assertEquals("/sign-in", SignInGate.signInFor("/\\evil.example"));
        assertTrue(SignInGate.open("/assets/app.0123456789abcdef.css"));
        assertTrue(SignInGate.open("/sign-in"));
        assertFalse(SignInGate.open("/jobs"));
    }

    @Test
    void scopesNest() {
        Visitor viewer = new Visitor("key_v", "viewer", null, null);
        Visitor operator = new Visitor("key_o", "operator", null, null);
        Visitor admin = new Visitor("key_a", "viewer, admin", null, null);
        assertTrue(viewer.canView() && !viewer.canOperate() && !viewer.canAdmin());
        assertTrue(operator.canView() && operator.canOperate() && !operator.canAdmin());
        assertTrue(admin.canOperate() && admin.canAdmin());
        assertEquals(List.of("viewer", "admin"), admin.scopeList());
        assertFalse(admin.toString().contains("csrf"), "the token stays out of logs");
        assertFalse(new Visitor("key_a", "admin", null, TOKEN).toString().contains(TOKEN));
    }

    @Test
    void ownerErrorsGoNextToTheFieldsTheFormShows() {
        ApiProblem problem = new ApiProblem("Invalid provider configuration", List.of(
                new ApiProblem.FieldError("webhook_allowed_ips", "bad [0]"),
                new ApiProblem.FieldError("webhook_allowed_ips", "bad [1]"),
                new ApiProblem.FieldError("colour", "not a configurable field")));
        FormErrors errors = FormErrors.of(problem, Set.of("webhook_allowed_ips"), Map.of());
        assertEquals("bad [0]; bad [1]", errors.of("webhook_allowed_ips"));
        assertEquals("Invalid provider configuration (colour: not a configurable field)", errors.general());
        assertNull(errors.of("colour"));
        assertEquals("x", FormErrors.of(new ApiProblem("d", List.of(new ApiProblem.FieldError("prometheus_categories", "x"))),
                Set.of("categories"), Map.of("prometheus_categories", "categories")).of("categories"));
        assertFalse(FormErrors.NONE.any());
        assertTrue(FormErrors.local(Map.of("a", "b")).any());
    }

    @Test
    void aFingerprintNamesTheBytes() {
        String one = AssetCatalog.fingerprinted("app", "css", "a".getBytes());
        assertTrue(one.matches("/assets/app\\.[0-9a-f]{16}\\.css"), one);
        assertFalse(one.equals(AssetCatalog.fingerprinted("app", "css", "b".getBytes())));
    }

    @Test
    void theNavigationFollowsTheScopes() {
        Layout layout = new Layout("Jobs", Section.JOBS, new Visitor("key_o", "operator", null, TOKEN), null);
        assertEquals(List.of("nav-jobs", "nav-submit", "nav-approvals", "nav-quotas", "nav-providers", "nav-metrics", "nav-health",
                        "nav-notifications"), layout.nav().stream().map(Layout.NavItem::id).toList());
        assertTrue(layout.nav().get(0).current());
        assertEquals("{\"X-CSRF-Token\": \"" + TOKEN + "\"}", layout.csrfHeaders());
        assertEquals(List.of(), new Layout("Sign in", Section.NONE, null, null).nav());
    }
}
