package io.tuneops.system;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in the browser, used as a person uses it: fields found by their labels, buttons by
 * the ids the templates give them, and after every step the browser's log checked for errors and
 * CSP violations. Also the checks that hold on every page: the API key a visitor signed in with
 * appears in no URL, page, browser storage or script-readable cookie.
 */
final class ConsolePages {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final Browser browser;
    private final String gateway;

    ConsolePages(Browser browser, String gateway) {
        this.browser = browser;
        this.gateway = gateway;
    }

    WebDriver driver() {
        return browser.driver();
    }

    String url(String path) {
        return gateway + path;
    }

    /** Opens a console page and checks that it rendered without an error in the browser. */
    void open(String path) {
        browser.open(url(path));
    }

    /**
     * Opens a page the console refuses with {@code status}: the browser logs exactly that failed
     * load (and nothing else) and the page says why in words.
     */
    String openRefused(String path, int status) {
        driver().get(url(path));
        List<String> errors = browser.errors();
        assertFalse(errors.isEmpty(), path + ": no " + status + " logged");
        for (String error : errors) {
            assertTrue(error.contains("the server responded with a status of " + status), path + ": " + errors);
        }
        return driver().findElement(By.id("error-message")).getText();
    }

    /** The path of the page the browser shows ("" before the first page, at data:,). */
    String path() {
        String path = URI.create(driver().getCurrentUrl()).getPath();
        return path == null ? "" : path;
    }

    /** Signs in on the sign-in page with {@code key} and waits for the page the gateway sends the browser on to. */
    void signIn(ConsoleSessions.Key key) {
        if (!path().equals("/sign-in")) {
            open("/sign-in");
        }
        field("API key").sendKeys(key.key());
        click("sign-in-submit");
        await(WAIT, d -> has("signed-in-actor") || has("sign-in-error") || !driver().getCurrentUrl().startsWith(url("/sign-in")));
        assertTrue(has("signed-in-actor"), "not signed in: " + driver().getCurrentUrl() + " shows "
                + driver().findElement(By.tagName("body")).getText());
        browser.assertNoErrors();
        assertKeyHidden(key);
    }

    /** Signs in on the sign-in page with a username and password and waits for the page the gateway sends the browser on to. */
    void signIn(String username, String password) {
        if (!path().equals("/sign-in")) {
            open("/sign-in");
        }
        field("Username").sendKeys(username);
        field("Password").sendKeys(password);
        click("password-sign-in-submit");
        await(WAIT, d -> has("signed-in-actor") || has("sign-in-error") || !driver().getCurrentUrl().startsWith(url("/sign-in")));
        assertTrue(has("signed-in-actor"), "not signed in: " + driver().getCurrentUrl() + " shows "
                + driver().findElement(By.tagName("body")).getText());
        browser.assertNoErrors();
        assertFalse(driver().getPageSource().contains(password), "the password is in the page");
        assertFalse(driver().getCurrentUrl().contains(password), "the password is in the URL");
    }

    void signOut() {
        click("sign-out");
        browser.await(WAIT, d -> path().equals("/sign-in"));
        browser.assertNoErrors();
    }

    /** The session cookie as the browser holds it (WebDriver reads HttpOnly cookies; scripts cannot). */
    Cookie sessionCookie() {
        Cookie cookie = driver().manage().getCookieNamed(ConsoleSessions.COOKIE);
        assertNotNull(cookie, "no session cookie");
        return cookie;
    }

    /** The key appears in no URL, page source, localStorage, sessionStorage or document.cookie; the cookie is HttpOnly. */
    void assertKeyHidden(ConsoleSessions.Key key) {
        assertFalse(driver().getCurrentUrl().contains(key.key()), "the key is in the URL");
        assertFalse(driver().getPageSource().contains(key.key()), "the key is in the page");
        String visible = browser.scriptVisibleState();
        assertFalse(visible.contains(key.key()), "the key is in browser storage or document.cookie");
        assertFalse(visible.contains(ConsoleSessions.COOKIE), "the session cookie is readable by scripts");
        Cookie cookie = sessionCookie();
        assertTrue(cookie.isHttpOnly(), "the session cookie is not HttpOnly");
        assertEquals("Strict", cookie.getSameSite());
        assertEquals("/", cookie.getPath());
        assertFalse(cookie.getValue().contains(key.key()));
    }

    /** The form control whose label reads {@code label} (the label's own text, ignoring what it contains). */
    WebElement field(String label) {
        List<WebElement> labels = driver().findElements(By.xpath("//label[normalize-space(text())=" + xpathString(label) + "]"));
        assertEquals(1, labels.size(), "labels '" + label + "' on " + path());
        String id = labels.get(0).getAttribute("for");
        assertNotNull(id, "label '" + label + "' names no control");
        return driver().findElement(By.id(id));
    }

    void type(String label, String text) {
        WebElement field = field(label);
        field.clear();
        field.sendKeys(text);
    }

    void chooseValue(String label, String value) {
        new Select(field(label)).selectByValue(value);
    }

    void click(String id) {
        driver().findElement(By.id(id)).click();
    }

    /** Whether an element with this id is on the page. */
    boolean has(String id) {
        return !driver().findElements(By.id(id)).isEmpty();
    }

    String text(String id) {
        return driver().findElement(By.id(id)).getText();
    }

    /** The element's text as the document holds it, whether or not the style shows it. */
    String textContent(String id) {
        return driver().findElement(By.id(id)).getDomProperty("textContent").strip();
    }

    /** Waits for a condition of the page, re-reading elements that htmx swaps out under it. */
    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return browser.waiting(timeout).ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(condition);
    }

    /** The ids of the navigation's links, in order. */
    List<String> navigation() {
        return driver().findElements(By.cssSelector("nav.nav a")).stream().map(a -> a.getAttribute("id")).toList();
    }

    private static String xpathString(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }
}
