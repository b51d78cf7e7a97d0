package io.tuneops.console;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tuneops.console.Browser.Scope;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every page, fragment and answer of the console carries the Content-Security-Policy of the
 * contract and the other security headers, and no page holds anything the policy would block:
 * no inline script, style element, style attribute, event handler attribute or javascript: URL.
 */
@QuarkusTest
@WithTestResource(value = FakeOwners.class, scope = TestResourceScope.GLOBAL)
class ContentSecurityTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    @BeforeEach
    void reset() {
        FakeOwners.get().reset();
    }

    /** Every kind of page the console answers with, as an admin sees it (admins see the most). */
    private static Map<String, Response> everyPage() {
        Map<String, Response> pages = new LinkedHashMap<>();
        for (String path : PageAccessTest.PAGES.keySet()) {
            pages.put("GET " + path, Browser.as(Scope.ADMIN).get(path));
        }
        pages.put("GET /jobs/rows", Browser.as(Scope.ADMIN).get("/jobs/rows"));
        pages.put("GET /jobs/job_run1/live", Browser.as(Scope.ADMIN).get("/jobs/job_run1/live"));
        pages.put("GET /sign-in", Browser.anonymous().get("/sign-in?error=invalid"));
        pages.put("GET /no/such/page", Browser.as(Scope.ADMIN).get("/no/such/page"));
        pages.put("GET /keys as viewer", Browser.as(Scope.VIEWER).get("/keys"));
        pages.put("POST /submit", Browser.form(Scope.ADMIN).formParam("provider", "generic").formParam("name", "x")
                .formParam("idempotency_key", "k-1").post("/submit"));
        pages.put("POST /submit refused", Browser.form(Scope.ADMIN).formParam("provider", "replicate").post("/submit"));
        pages.put("POST /keys", Browser.form(Scope.ADMIN).formParam("name", "ci").formParam("scopes", "viewer").post("/keys"));
        pages.put("POST /providers/generic", Browser.form(Scope.ADMIN).formParam("webhook_allowed_ips", "nonsense")
                .post("/providers/generic"));
        pages.put("POST /notifications", Browser.form(Scope.ADMIN).formParam("channel_type", "webhook").formParam("name", "ci")
                .formParam("webhook_url", "https://ci.example.com/hook").post("/notifications"));
        pages.put("POST /notifications refused", Browser.form(Scope.ADMIN).formParam("channel_type", "webhook")
                .formParam("webhook_url", "ftp://x").post("/notifications"));
        pages.put("POST /notifications/channels/nch_down/test", Browser.form(Scope.ADMIN).post("/notifications/channels/nch_down/test"));
        pages.put("POST without CSRF", Browser.as(Scope.ADMIN).contentType("application/x-www-form-urlencoded")
                .formParam("name", "x").post("/keys"));
        return pages;
    }

    @Test
    void everyAnswerCarriesThePolicyAndTheSecurityHeaders() {
        everyPage().forEach((what, response) -> {
            assertEquals(CSP, response.header("Content-Security-Policy"), what);
            assertEquals("nosniff", response.header("X-Content-Type-Options"), what);
            assertEquals("DENY", response.header("X-Frame-Options"), what);
            assertEquals("no-store", response.header("Cache-Control"), what);
            assertTrue(response.contentType().startsWith("text/html"), what + ": " + response.contentType());
        });
    }

    @Test
    void noPageHoldsInlineScriptOrStyle() {
        everyPage().forEach((what, response) -> {
            Document html = Browser.html(response.asString());
            List<String> problems = new ArrayList<>();
            for (Element script : html.select("script")) {
                if (!script.hasAttr("src") || !script.data().isBlank()) {
                    problems.add("inline script: " + script.outerHtml());
                } else if (!script.attr("src").matches("/assets/[a-z]+\\.[0-9a-f]{16}\\.js")) {
                    problems.add("script not from a fingerprinted asset: " + script.attr("src"));
                }
            }
            if (!html.select("style").isEmpty()) {
                problems.add("style element");
            }
            for (Element element : html.getAllElements()) {
                for (Attribute attribute : element.attributes()) {
                    String name = attribute.getKey().toLowerCase();
                    if (name.equals("style") || name.startsWith("on") || name.startsWith("hx-on")) {
                        problems.add(name + " attribute on <" + element.tagName() + ">");
                    }
                    if (attribute.getValue().trim().toLowerCase().startsWith("javascript:")) {
                        problems.add("javascript: URL in " + name);
                    }
                    if (name.equals("hx-vals") || name.equals("hx-vars")) {
                        problems.add(name + " (evaluated by htmx)");
                    }
                }
            }
            assertTrue(problems.isEmpty(), what + ": " + problems);
        });
    }

    @Test
    void htmxIsConfiguredToRunUnderThePolicy() {
        Document html = Browser.html(Browser.as(Scope.VIEWER).get("/jobs").asString());
        String config = html.select("meta[name=htmx-config]").attr("content");
        assertTrue(config.contains("\"includeIndicatorStyles\":false"), config);
        assertTrue(config.contains("\"allowEval\":false"), config);
        assertTrue(config.contains("\"historyCacheSize\":0"), "no page is copied into browser storage: " + config);
        assertEquals(3, html.select("head script[src], head link[rel=stylesheet]").size());
    }

    @Test
    void noChannelSecretIsEchoedBackIntoAPage() {
        String refused = Browser.form(Scope.ADMIN).formParam("channel_type", "slack").formParam("name", "")
                .formParam("slack_webhook_url", "https://hooks.slack.com/services/T0/B0/secret-part").post("/notifications").asString();
        assertTrue(Browser.html(refused).getElementById("channel-name-error") != null, refused);
        assertFalse(refused.contains("secret-part"), "a refused create does not echo the Slack URL");
        String saved = Browser.form(Scope.ADMIN).formParam("channel_type", "slack").formParam("name", "team chat")
                .formParam("slack_webhook_url", "https://hooks.slack.com/services/T0/B0/secret-part").post("/notifications").asString();
        assertFalse(saved.contains("secret-part"));
        assertFalse(Browser.as(Scope.VIEWER).get("/notifications/channels/nch_new1").asString().contains("secret-part"));
    }

    @Test
    void noKeyOrSecretIsEchoedBackIntoAPage() {
        String provider = Browser.form(Scope.ADMIN).formParam("api_token", "r8_secret-token-value")
                .formParam("webhook_allowed_ips", "not-an-ip").post("/providers/replicate").asString();
        assertFalse(provider.contains("r8_secret-token-value"), "a refused save does not echo the typed token");
        assertTrue(provider.contains("not-an-ip"), "it keeps the rest of what was typed");
        String saved = Browser.form(Scope.ADMIN).formParam("api_token", "r8_secret-token-value").post("/providers/replicate")
                .asString();
        assertFalse(saved.contains("r8_secret-token-value"));
        assertTrue(Browser.html(saved).getElementById("cfg-api_token-state").text().startsWith("Configured"));
    }
}
