package io.tuneops.console;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Requests as the gateway forwards them for a signed-in browser: the internal secret, the
 * session's actor and scopes, the client address and the session's CSRF token, plus the browser's
 * own session cookie (which the console passes on only to the gateway).
 */
final class Browser {

    static final String SECRET = "test-only-internal-secret-0123456789abcdef";
    static final String CSRF = "csrf-token-of-the-session-0123456789abcdef";
    static final String COOKIE = "tuneops_session=session-cookie-value-0123456789";

    enum Scope {
        VIEWER("viewer"), OPERATOR("operator"), ADMIN("admin");

        final String id;

        Scope(String id) {
            this.id = id;
        }

        String actor() {
            return "key_" + id;
        }
    }

    private Browser() {
    }

    /** A request of a signed-in visitor holding {@code scope}. */
    static RequestSpecification as(Scope scope) {
        return RestAssured.given().redirects().follow(false)
                .header("X-Tuneops-Gateway-Secret", SECRET)
                .header("X-Tuneops-Actor", scope.actor())
                .header("X-Tuneops-Scopes", scope.id)
                .header("X-Tuneops-Client-IP", "203.0.113.9")
                .header("X-Tuneops-Csrf", CSRF)
                .header("Cookie", COOKIE);
    }

    /** A request without a session: the gateway forwards it with no identity. */
    static RequestSpecification anonymous() {
        return RestAssured.given().redirects().follow(false);
    }

    /** A form post of a signed-in visitor, with the session's CSRF token in the form. */
    static RequestSpecification form(Scope scope) {
        return as(scope).contentType("application/x-www-form-urlencoded; charset=UTF-8").formParam("_csrf", CSRF);
    }

    static Document html(String body) {
        return Jsoup.parse(body);
    }
}
