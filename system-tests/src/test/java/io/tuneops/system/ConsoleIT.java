package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator console in a real headless Chromium, through the suite's gateway as a browser
 * reaches it: signing in with a viewer's, an operator's and an admin's key and what each sees and
 * may do; every page, at 1280 and at 390 pixels wide, and the keyboard; a provider's webhook
 * allowlist set in the console and enforced on deliveries; a job submitted in the console turning
 * completed in the list without a reload when its runner reports it, and its uploaded output
 * downloaded from its page; a metrics template, the preview and the audit chain's verification;
 * keys created and revoked, and a revoked key's session ended. Any browser console error or CSP
 * violation fails a test ({@link Browser}); the key never reaches a URL, a page, browser storage or
 * a log. Prints two figures: the jobs page's weight with its assets, and the time from a webhook's
 * acknowledgement to the list showing the job's new status.
 */
@ExtendWith(Suite.Extension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    @RegisterExtension
    static final Browser BROWSER = new Browser();

    /** A page of the navigation and the scope it needs. */
    private record Page(String path, String scope) {
    }

    /** Every page of the navigation, as console-service's Section lists them. */
    private static final List<Page> PAGES = List.of(new Page("/jobs", "viewer"), new Page("/submit", "operator"),
            new Page("/approvals", "operator"), new Page("/quotas", "viewer"), new Page("/providers", "viewer"),
            new Page("/metrics", "viewer"), new Page("/health", "viewer"), new Page("/notifications", "viewer"),
            new Page("/audit", "admin"),
            new Page("/users", "admin"), new Page("/teams", "admin"), new Page("/keys", "admin"));
    private static final List<String> SCOPES = List.of("viewer", "operator", "admin");
    /** Navigation link ids each scope sees, in order. */
    private static final Map<String, List<String>> NAVIGATION = Map.of(
            "viewer", List.of("nav-jobs", "nav-quotas", "nav-providers", "nav-metrics", "nav-health", "nav-notifications"),
            "operator", List.of("nav-jobs", "nav-submit", "nav-approvals", "nav-quotas", "nav-providers", "nav-metrics",
                    "nav-health", "nav-notifications"),
            "admin", List.of("nav-jobs", "nav-submit", "nav-approvals", "nav-quotas", "nav-providers", "nav-metrics",
                    "nav-health", "nav-notifications", "nav-audit", "nav-users", "nav-teams", "nav-keys"));
    private static final Duration LIVE = Duration.ofSeconds(10);
    private static final String ALLOWLIST = "Allowed IP ranges (one per line)";
    /** Keys and session cookies this class used: none may appear in any service's log. */
    private static final List<String> SECRETS = new ArrayList<>();

    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address (the suite's gateway trusts the loopback proxy): its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));
    private final ConsoleSessions sessions = new ConsoleSessions(suite.gateway(""), client);
    private final ConsolePages console = new ConsolePages(BROWSER, suite.gateway(""));

    @BeforeEach
    void anonymousDesktopBrowser() {
        BROWSER.desktop();
        BROWSER.clearCookies();
        BROWSER.errors();
    }

    private ConsoleSessions.Key key(String scope) {
        ConsoleSessions.Key key = sessions.key("console " + scope, scope);
        SECRETS.add(key.key());
        return key;
    }

    private void signIn(ConsoleSessions.Key key) {
        console.signIn(key);
        SECRETS.add(console.sessionCookie().getValue());
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: its screenshots for docs/console.md show what the other tests made
    void eachScopeSeesEveryPageItMayAndIsRefusedTheOthers() throws IOException {
        String pendingJob = StorageJob.submit(suite.gateway(""), client, "console scopes").jobId();
        for (String scope : SCOPES) {
            ConsoleSessions.Key key = key(scope);
            // an anonymous visitor is sent to the sign-in page, and back to the page it asked for afterwards
            BROWSER.driver().get(console.url("/providers"));
            assertEquals("/sign-in", console.path());
            BROWSER.assertNoErrors();
            if (scope.equals("viewer")) {
                BROWSER.documentationScreenshot("sign-in");
            }
            signIn(key);
            assertEquals("/providers", console.path());
            assertEquals(NAVIGATION.get(scope), console.navigation(), scope);
            assertTrue(console.text("signed-in-scopes").contains(scope));

            for (Page page : PAGES) {
                if (allows(scope, page.scope())) {
                    console.open(page.path());
                    assertFalse(console.driver().findElement(By.tagName("h1")).getText().isBlank(), page.path());
                    assertFalse(console.has("error-message"), page.path() + " as " + scope + ": " + console.driver().getPageSource());
                    console.assertKeyHidden(key);
                } else {
                    String refusal = console.openRefused(page.path(), 403);
                    assertTrue(refusal.contains(page.scope()), page.path() + " as " + scope + ": " + refusal);
                }
            }
            onlyWhatTheScopeAllowsIsOffered(scope, pendingJob);
            if (scope.equals("admin")) {
                everyPageFitsAPhone();
                documentEveryPage();
            }
            console.signOut();
            // the session is over: the next page asked for is the sign-in page again
            BROWSER.driver().get(console.url("/jobs"));
            assertEquals("/sign-in", console.path());
            BROWSER.assertNoErrors();
        }
    }

    /** Forms and buttons for what the scope may not do are not shown (and the owners refuse it anyway). */
    private void onlyWhatTheScopeAllowsIsOffered(String scope, String jobId) {
        boolean admin = scope.equals("admin");
        console.open("/providers/generic");
        assertEquals(admin, console.has("provider-save"), scope);
        assertEquals(!admin, console.has("provider-read-only"), scope);
        console.open("/metrics");
        assertEquals(admin, console.has("metrics-save"), scope);
        assertEquals(!admin, console.has("metrics-read-only"), scope);
        console.open("/jobs/" + jobId);
        assertEquals(allows(scope, "operator"), console.has("cancel-job"), scope);
    }

    private static boolean allows(String scope, String needed) {
        return SCOPES.indexOf(scope) >= SCOPES.indexOf(needed);
    }

    /** At 390 pixels wide every page lays itself out in the viewport: no sideways scrolling, no zooming out. */
    private void everyPageFitsAPhone() {
        BROWSER.phone();
        try {
            List<String> paths = new ArrayList<>(PAGES.stream().map(Page::path).toList());
            paths.add("/providers/generic");
            for (String path : paths) {
                console.open(path);
                assertEquals(List.of(), BROWSER.overflowing(Browser.PHONE_WIDTH), path + " is wider than a phone");
            }
        } finally {
            BROWSER.desktop();
        }
    }

    private void documentEveryPage() throws IOException {
        for (Page page : PAGES) {
            console.open(page.path());
            BROWSER.documentationScreenshot(page.path().substring(1));
        }
        console.open("/providers/generic");
        BROWSER.documentationScreenshot("provider");
        BROWSER.phone();
        try {
            console.open("/jobs");
            BROWSER.documentationScreenshot("jobs-phone");
        } finally {
            BROWSER.desktop();
        }
    }

    @Test
    void anAdminAppliesAMetricsTemplatePreviewsTheOutputAndVerifiesTheAuditChain() {
        JsonNode before = Http.get(suite.gateway("/api/cloud/metrics/config")).json();
        try {
            signIn(key("admin"));
            console.open("/metrics");
            console.click("metrics-template-minimal");
            console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("metrics-notice")));
            BROWSER.assertNoErrors();
            assertEquals("enabled", console.text("metrics-enabled-state"));
            assertTrue(Http.get(suite.gateway("/api/cloud/metrics/config")).json().get("prometheus_enabled").asBoolean());

            WebElement jobs = console.driver().findElement(By.id("preview-category-jobs"));
            if (!jobs.isSelected()) {
                jobs.click();
            }
            console.click("preview-run");
            console.await(LIVE, d -> !d.findElement(By.id("preview-output")).getText().isBlank());
            BROWSER.assertNoErrors();
            assertTrue(console.text("preview-output").contains("simpletuner_"), console.text("preview-output"));

            console.open("/audit");
            console.click("verify-run");
            console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("verify-result")));
            BROWSER.assertNoErrors();
            assertEquals("true", console.driver().findElement(By.id("verify-result")).getAttribute("data-valid"),
                    console.text("verify-result"));
        } finally {
            Http.Reply restored = Http.request("PUT", suite.gateway("/api/cloud/metrics/config"),
                    "{\"prometheus_enabled\": " + before.get("prometheus_enabled") + ", \"prometheus_categories\": "
                            + before.get("prometheus_categories") + "}",
                    "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json", "X-Forwarded-For", client);
            assertEquals(200, restored.status(), restored.body());
        }
    }

    @Test
    void theKeyboardReachesTheSkipLinkAndFocusIsVisible() {
        signIn(key("viewer"));
        console.open("/jobs");
        new Actions(console.driver()).sendKeys(Keys.TAB).perform();
        WebElement focused = console.driver().switchTo().activeElement();
        assertEquals("Skip to content", focused.getText());
        String outline = focused.getCssValue("outline-style");
        String shadow = focused.getCssValue("box-shadow");
        assertTrue(!"none".equals(outline) || !"none".equals(shadow), "no visible focus: outline " + outline + ", box-shadow " + shadow);
        focused.sendKeys(Keys.ENTER);
        assertEquals("main", console.driver().switchTo().activeElement().getAttribute("id"));
        BROWSER.assertNoErrors();
    }

    @Test
    void theApiStillRefusesAViewersSessionWhatItsScopeDoesNotAllow() {
        String session = sessions.signIn(key("viewer"));
        SECRETS.add(session);
        Http.Reply me = Http.request("GET", suite.gateway("/api/auth/session"), null,
                "Cookie", ConsoleSessions.COOKIE + "=" + session, "X-Forwarded-For", client);
        assertEquals(200, me.status(), me.body());
        String csrf = me.json().get("csrf_token").asText();
        Http.Reply submit = Http.request("POST", suite.gateway("/api/cloud/jobs/submit?provider=generic"), "{\"name\": \"not mine\"}",
                "Cookie", ConsoleSessions.COOKIE + "=" + session, "X-CSRF-Token", csrf, "Content-Type", "application/json",
                "X-Forwarded-For", client);
        assertEquals(403, submit.status(), submit.body());
        Http.Reply withoutToken = Http.request("PUT", suite.gateway("/api/cloud/providers/generic"), "{}",
                "Cookie", ConsoleSessions.COOKIE + "=" + session, "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(403, withoutToken.status(), withoutToken.body());
        assertTrue(withoutToken.body().contains("CSRF"), withoutToken.body());
    }

    @Test
    void aProviderAllowlistSetInTheConsoleIsEnforcedOnWebhooks() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "console allowlist");
        try {
            signIn(key("admin"));
            console.open("/providers");
            console.click("provider-link-generic");
            console.await(LIVE, d -> console.path().equals("/providers/generic"));
            BROWSER.assertNoErrors();
            // an address the API refuses: its words are shown next to the field, and what was typed stays
            console.type(ALLOWLIST, "203.0.113.0/24\n10.0.0.300/8");
            console.click("provider-save");
            console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("cfg-webhook_allowed_ips-error")));
            BROWSER.assertNoErrors();
            assertEquals("true", console.field(ALLOWLIST).getAttribute("aria-invalid"));
            assertTrue(console.text("cfg-webhook_allowed_ips-error").contains("10.0.0.300/8"), console.text("cfg-webhook_allowed_ips-error"));
            assertEquals("203.0.113.0/24\n10.0.0.300/8", console.field(ALLOWLIST).getAttribute("value"));
            BROWSER.documentationScreenshot("provider-error", "section-webhook-security");

            console.type(ALLOWLIST, "203.0.113.0/24");
            console.click("provider-save");
            console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("provider-saved")));
            BROWSER.assertNoErrors();
            JsonNode stored = Http.get(suite.gateway("/api/cloud/providers/generic")).json();
            assertEquals("[\"203.0.113.0/24\"]", stored.get("webhook_allowed_ips").toString());

            // the gateway learns the allowlist through Redis pub/sub: delivered until it applies it
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int outside;
            do {
                outside = deliver(job.jobId(), "processing", "outside", "198.51.100.77").status();
            } while (outside != 403 && System.nanoTime() < deadline);
            assertEquals(403, outside, "a delivery from outside the allowlist");
            Http.Reply inside = deliver(job.jobId(), "processing", "inside", "203.0.113.9");
            assertEquals(200, inside.status(), inside.body());
            assertEquals("running", inside.json().get("job_status").asText());
        } finally {
            Http.Reply reset = Http.request("PUT", suite.gateway("/api/cloud/providers/generic"), "{\"webhook_allowed_ips\": []}",
                    "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json", "X-Forwarded-For", client);
            assertEquals(200, reset.status(), reset.body());
        }
    }

    /** A signed delivery about {@code jobId} from {@code from} (the gateway trusts the loopback proxy's X-Forwarded-For). */
    private Http.Reply deliver(String jobId, String status, String tag, String from) throws Exception {
        return deliver(jobId, status, tag, from, "");
    }

    /** The same with more of the provider's fields ({@code extra}: JSON members after a comma). */
    private Http.Reply deliver(String jobId, String status, String tag, String from, String extra) throws Exception {
        long ts = System.currentTimeMillis() / 1000;
        String body = "{\"id\":\"" + jobId + "\",\"status\":\"" + status + "\"" + extra + "}";
        String id = "msg_console_" + tag + "_" + jobId;
        return Http.request("POST", suite.gateway("/api/webhooks/generic"), body, "Content-Type", "application/json",
                "webhook-id", id, "webhook-timestamp", Long.toString(ts),
                "webhook-signature", new Webhook(StorageJob.WEBHOOK_SECRET).sign(id, ts, body), "X-Forwarded-For", from);
    }

    @Test
    void aJobSubmittedInTheConsoleTurnsCompletedInTheListWithoutAReloadAndItsOutputDownloads() throws Exception {
        Http.Reply configured = Http.request("PUT", suite.gateway("/api/cloud/providers/generic"),
                "{\"webhook_secret\": \"" + StorageJob.WEBHOOK_SECRET + "\", \"webhook_allowed_ips\": [],"
                        + " \"hardware_prices\": {\"h100\": 0.002}}",
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(200, configured.status(), configured.body());
        signIn(key("operator"));
        console.open("/submit");
        console.chooseValue("Provider", "generic");
        console.type("Name", "console lora");
        console.type("Hardware", "h100");
        console.click("submit-job");
        console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("submitted-job-link")));
        BROWSER.assertNoErrors();
        String jobId = console.text("submitted-job-link");
        // the job's runner gets the upload credentials shown once, and uploads its output with them
        StorageJob runner = new StorageJob(suite.gateway(""), client, jobId, console.text("cred-access-key-id"),
                console.text("cred-secret-access-key"), console.text("cred-bucket"), console.text("cred-prefix"));
        byte[] weights = new byte[200_000];
        new Random(7).nextBytes(weights);
        try (S3Client s3 = runner.sdk()) {
            s3.putObject(b -> b.bucket(runner.bucket()).key(runner.prefix() + "lora/model.safetensors"), RequestBody.fromBytes(weights));
        }

        console.open("/jobs");
        String row = "job-" + jobId;
        assertEquals("pending", console.driver().findElement(By.id(row)).getAttribute("data-status"));
        // a reload would drop this mark: the list must change in place
        BROWSER.script("window.tuneopsSamePage = true;");

        assertEquals(200, deliver(jobId, "processing", "1", client, ",\"logs\":\"epoch 1/3 loss 0.183\\nepoch 2/3 loss 0.121\"").status());
        console.await(LIVE, d -> "running".equals(d.findElement(By.id(row)).getAttribute("data-status")));

        Http.Reply completed = deliver(jobId, "succeeded", "2", client,
                ",\"logs\":\"epoch 1/3 loss 0.183\\nepoch 2/3 loss 0.121\\nepoch 3/3 loss 0.094\\nsaved lora/model.safetensors\","
                        + "\"metrics\":{\"predict_time\":1260}");
        long acknowledged = System.nanoTime();
        assertEquals(200, completed.status(), completed.body());
        assertEquals("completed", completed.json().get("job_status").asText());
        console.await(LIVE, d -> "completed".equals(d.findElement(By.id(row)).getAttribute("data-status")));
        long shownMs = (System.nanoTime() - acknowledged) / 1_000_000;
        assertEquals(Boolean.TRUE, BROWSER.script("return window.tuneopsSamePage === true;"), "the jobs page was reloaded");
        BROWSER.assertNoErrors();
        System.out.printf("[console] webhook acknowledged -> jobs list shows completed: %d ms%n", shownMs);

        // the job's page lists the uploaded output; the browser downloads it with the session
        console.driver().findElement(By.cssSelector("#" + row + " a")).click();
        console.await(LIVE, d -> console.path().equals("/jobs/" + jobId));
        assertEquals("completed", console.text("job-status"));
        WebElement link = console.driver().findElement(By.id("output-download-1"));
        assertTrue(link.getText().contains("model.safetensors"), link.getText());
        BROWSER.documentationScreenshot("job");
        link.click();
        Path file = BROWSER.downloaded("model.safetensors", LIVE);
        assertArrayEquals(weights, Files.readAllBytes(file));
        BROWSER.assertNoErrors();
    }

    @Test
    void anAdminCreatesAndRevokesKeysInTheConsoleAndARevokedKeysSessionEnds() {
        ConsoleSessions.Key viewer = key("viewer");
        signIn(viewer);
        Cookie viewerSession = console.sessionCookie();

        BROWSER.clearCookies();
        signIn(key("admin"));
        console.open("/keys");
        console.type("Name", "made in the console");
        console.click("key-scope-operator");
        console.click("key-create");
        console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("created-key-value")));
        BROWSER.assertNoErrors();
        String made = console.textContent("created-key-value");
        String madeId = console.textContent("created-key-id");
        SECRETS.add(made);
        assertTrue(console.has("copy-created-key"), "no copy button");
        Http.Reply whoami = Http.request("GET", suite.gateway("/api/auth/whoami"), null,
                "Authorization", "Bearer " + made, "X-Forwarded-For", client);
        assertEquals(200, whoami.status(), whoami.body());
        // shown once: the page lists it afterwards without its secret
        console.open("/keys");
        assertFalse(console.driver().getPageSource().contains(made));
        assertTrue(console.has("key-" + madeId), "the new key is not listed");

        // revoking asks first (hx-confirm), then the row shows the key revoked, in place
        console.click("revoke-" + viewer.id());
        console.await(LIVE, ExpectedConditions.alertIsPresent()).accept();
        console.await(LIVE, ExpectedConditions.presenceOfElementLocated(By.id("keys-notice")));
        BROWSER.assertNoErrors();
        assertFalse(console.has("revoke-" + viewer.id()), "the revoked key can still be revoked");
        assertEquals("revoked", console.driver().findElement(By.cssSelector("#key-" + viewer.id() + " .status")).getText());
        console.signOut();

        // the viewer's browser, with its session cookie: its next page is the sign-in page
        BROWSER.driver().manage().addCookie(viewerSession);
        BROWSER.driver().get(console.url("/jobs"));
        assertEquals("/sign-in", console.path());
        BROWSER.assertNoErrors();
        assertEquals(401, Http.request("GET", suite.gateway("/api/auth/whoami"), null,
                "Authorization", "Bearer " + viewer.key(), "X-Forwarded-For", client).status());
    }

    @Test
    void theJobsPageWithItsAssetsWeighsLittle() {
        signIn(key("viewer"));
        BROWSER.clearCache();
        console.open("/jobs");
        console.await(LIVE, d -> "complete".equals(BROWSER.script("return document.readyState;")));
        List<Browser.Transfer> transfers = BROWSER.transfers();
        long total = transfers.stream().mapToLong(Browser.Transfer::transferred).sum();
        transfers.forEach(t -> System.out.printf("[console]   %-70s %-10s %7d B on the wire, %7d B decoded%n",
                t.name(), t.type(), t.transferred(), t.decoded()));
        System.out.printf("[console] jobs page with its assets: %d bytes transferred (%.1f KB)%n", total, total / 1024.0);
        assertTrue(transfers.stream().anyMatch(t -> t.name().contains("/assets/")), "no asset loaded: " + transfers);
        assertTrue(total < 200 * 1024, "the jobs page weighs " + total + " bytes");
        Set<String> origins = Set.copyOf(transfers.stream().map(t -> t.name().replaceFirst("^(https?://[^/]+).*", "$1")).toList());
        assertEquals(Set.of(suite.gateway("")), origins, "every asset comes from the console's own origin");
    }

    @AfterAll
    static void noKeyOrSessionInAnyLog() throws IOException {
        Suite suite = Suite.Extension.suite();
        for (String service : Suite.STARTED) {
            Path log = suite.logs.resolve(service + ".log");
            assertTrue(Files.exists(log), log.toString());
            String text = Files.readString(log);
            for (String secret : SECRETS) {
                assertFalse(text.contains(secret), service + " logged a key or a session cookie");
            }
        }
    }
}
