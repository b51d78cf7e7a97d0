package io.tuneops.system;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real headless Chromium (Debian's {@code chromium}, driven through its {@code chromedriver} by
 * Selenium) for the console tests. Register it on a test class with
 * {@code @RegisterExtension static final Browser browser = new Browser();}: it starts before the
 * class's tests, quits after them, and when a test fails keeps a screenshot, the page's HTML and
 * the pending browser log under {@code target/console-failures/}.
 *
 * <p>Every console message of level SEVERE counts as an error: script errors, failed loads, and
 * Content-Security-Policy violations, which Chromium logs as errors and which a
 * {@code securitypolicyviolation} listener, installed in every document before the page's own
 * scripts, reports once more with the blocked directive. {@link #assertNoErrors()} fails on any.
 */
final class Browser implements BeforeAllCallback, AfterAllCallback, AfterTestExecutionCallback {

    static final int DESKTOP_WIDTH = 1280;
    static final int DESKTOP_HEIGHT = 900;
    static final int PHONE_WIDTH = 390;
    static final int PHONE_HEIGHT = 844;
    /** Set (to any value) to write the documentation's screenshots into docs/console/. */
    static final String SCREENSHOTS_PROPERTY = "tuneops.console.screenshots";

    private static final Path TARGET = Path.of(System.getProperty("tuneops.logs", "target/system-logs"))
            .toAbsolutePath().getParent();
    private static final Duration POLL = Duration.ofMillis(25);
    private static final String CSP_LISTENER = """
            document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: '
                + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.sourceFile + ':' + e.lineNumber));
            """;
    private static final String TRANSFERRED = """
            const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
            return entries.map(e => ({name: e.name, type: e.initiatorType, transferred: e.transferSize,
                                      encoded: e.encodedBodySize, decoded: e.decodedBodySize}));
            """;

    private final Path downloads = TARGET.resolve("console-downloads");
    private final Path failures = TARGET.resolve("console-failures");
    private ChromeDriver driver;

    /** What one page load moved over the network, from the browser's Performance API. */
    record Transfer(String name, String type, long transferred, long encoded, long decoded) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Path chromium = executable("tuneops.chromium", "/usr/bin/chromium");
        Path chromedriver = executable("tuneops.chromedriver", "/usr/bin/chromedriver");
        deleteFiles(downloads);
        deleteFiles(failures);
        Files.createDirectories(downloads);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // --no-sandbox: the tests run as root in CI, where Chromium's sandbox refuses to start;
        // --disable-dev-shm-usage: container /dev/shm is often too small for the renderer
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT, "--force-device-scale-factor=1",
                "--hide-scrollbars", "--lang=en-US", "--no-first-run", "--disable-background-networking");
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        options.setPageLoadTimeout(Duration.ofSeconds(30));
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloads.toString(), "eventsEnabled", false));
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", CSP_LISTENER));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) throws IOException {
        if (context.getExecutionException().isEmpty() || driver == null) {
            return;
        }
        Path dir = Files.createDirectories(failures);
        String name = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        List<String> log = new ArrayList<>(List.of("URL: " + driver.getCurrentUrl()));
        driver.manage().logs().get(LogType.BROWSER).forEach(e -> log.add(e.getLevel() + " " + e.getMessage()));
        Files.write(dir.resolve(name + ".log"), log);
        Files.writeString(dir.resolve(name + ".html"), driver.getPageSource());
        System.out.println("[console] failure kept: " + dir.resolve(name + ".png"));
    }

    WebDriver driver() {
        return driver;
    }

    /** Navigates to {@code url} and checks the browser logged no error while loading it. */
    void open(String url) {
        driver.get(url);
        assertNoErrors();
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A wait on the DOM (or any condition of the browser) that polls every 25 ms. */
    WebDriverWait waiting(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, POLL);
        wait.pollingEvery(POLL);
        return wait;
    }

    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return waiting(timeout).until(condition);
    }

    /** The error messages (level SEVERE) the browser logged since the last call; the log is emptied. */
    List<String> errors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue() || e.getMessage().contains("Content Security Policy"))
                .map(LogEntry::getMessage).toList();
    }

    void assertNoErrors() {
        assertEquals(List.of(), errors(), "browser console errors or CSP violations on " + driver.getCurrentUrl());
    }

    /** localStorage, sessionStorage and the cookies a script can read, as one string to search. */
    String scriptVisibleState() {
        return (String) script("return JSON.stringify(localStorage) + '\\n' + JSON.stringify(sessionStorage) + '\\n' + document.cookie;");
    }

    /** Emulates a phone-sized viewport ({@value #PHONE_WIDTH} CSS pixels wide) until {@link #desktop()}. */
    void phone() {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", PHONE_WIDTH, "height", PHONE_HEIGHT,
                "deviceScaleFactor", 1, "mobile", true));
    }

    void desktop() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /**
     * Nothing when the page fits a viewport {@code width} CSS pixels wide; else the page's width and
     * the elements that reach past it on the right (the culprit is among them: an absolutely
     * positioned element, for one, escapes a scrolling wrapper that is not its containing block).
     * A phone zooms out a page that is too wide, widening its layout viewport, so the page's own
     * scroll width is what tells.
     */
    @SuppressWarnings("unchecked")
    List<String> overflowing(int width) {
        return (List<String>) script("""
                const width = arguments[0];
                const page = document.documentElement.scrollWidth;
                if (page <= width) return [];
                return ['page ' + page + ' px wide'].concat([...document.body.querySelectorAll('*')]
                    .filter(e => e.getBoundingClientRect().right > width + 0.5)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '')
                        + ' right=' + Math.round(e.getBoundingClientRect().right)).slice(-8));
                """, width);
    }

    /** Forgets every cookie (the session's included, HttpOnly or not): the next page is an anonymous visitor's. */
    void clearCookies() {
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    /** Empties the HTTP cache, so that the next page load fetches its assets again. */
    void clearCache() {
        driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
    }

    /** The current page's document and every resource it fetched so far, with the bytes each moved. */
    List<Transfer> transfers() {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> entries = (List<Map<String, Object>>) script(TRANSFERRED);
        return entries.stream().map(e -> new Transfer((String) e.get("name"), (String) e.get("type"),
                number(e.get("transferred")), number(e.get("encoded")), number(e.get("decoded")))).toList();
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** Waits for a finished download named {@code name} (Chromium writes it under a .crdownload name first). */
    Path downloaded(String name, Duration timeout) {
        Path file = downloads.resolve(name);
        return new FluentWait<>(file).withTimeout(timeout).pollingEvery(POLL)
                .withMessage(() -> "no download " + name + " in " + listing(downloads))
                .until(f -> Files.isRegularFile(f) && !Files.exists(f.resolveSibling(name + ".crdownload")) ? f : null);
    }

    /**
     * With {@value #SCREENSHOTS_PROPERTY} set, writes the whole page (up to three screens high) to
     * {@code docs/console/<name>.png}, for docs/console.md.
     */
    void documentationScreenshot(String name) throws IOException {
        if (System.getProperty(SCREENSHOTS_PROPERTY) != null) {
            capture(name, "return [0, 0, window.innerWidth,"
                    + " Math.min(document.documentElement.scrollHeight, 3 * window.innerHeight)];");
        }
    }

    /** The same for the element with id {@code id} alone (with a margin around it). */
    void documentationScreenshot(String name, String id) throws IOException {
        if (System.getProperty(SCREENSHOTS_PROPERTY) != null) {
            capture(name, "const r = document.getElementById('" + id + "').getBoundingClientRect();"
                    + " return [Math.max(0, r.left + scrollX - 16), Math.max(0, r.top + scrollY - 16), r.width + 32, r.height + 32];");
        }
    }

    /** Writes docs/console/{@code name}.png: the area {@code area} (a script) answers as [x, y, width, height]. */
    private void capture(String name, String area) throws IOException {
        @SuppressWarnings("unchecked")
        List<Number> clip = (List<Number>) script(area);
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true, "clip", Map.of("x", clip.get(0), "y", clip.get(1),
                        "width", clip.get(2), "height", clip.get(3), "scale", 1)));
        Path file = PackagedApp.root().resolve("docs/console").resolve(name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        System.out.println("[console] screenshot " + file);
    }

    private static Path executable(String property, String fallback) {
        Path path = Path.of(System.getProperty(property, fallback));
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is missing: install Debian's chromium and chromium-driver"
                    + " (./test.sh --install-only does), or name them with -D" + property + "=...");
        }
        return path;
    }

    private static String listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteFiles(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
