package io.tuneops.gateway;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Console sessions for tests: signing in through the API, from a client address of the test's own. */
final class Sessions {

    static final String COOKIE = "tuneops_session";
    private static final Pattern TOKEN = Pattern.compile(COOKIE + "=([A-Za-z0-9_-]{43});");
    private static final Random RANDOM = new Random();

    private Sessions() {
    }

    /** An address in 198.19.0.0/16 (benchmarking, never routed): its own rate-limit windows and audit folds. */
    static String newClient() {
        return "198.19." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(254));
    }

    /** A request from {@code client} (through the trusted loopback proxy) that does not follow redirects. */
    static RequestSpecification from(String client) {
        return RestAssured.given().header("X-Forwarded-For", client).redirects().follow(false);
    }

    /** Signs in with the JSON route and answers the session token from the cookie. */
    static String signIn(String client, String apiKey) {
        Response response = from(client).contentType("application/json").body("{\"api_key\":\"" + apiKey + "\"}")
                .post("/api/auth/session");
        response.then().statusCode(200);
        return token(response.header("Set-Cookie"));
    }

    static String token(String setCookie) {
        Matcher m = TOKEN.matcher(String.valueOf(setCookie));
        assertTrue(m.find(), "no session cookie in " + setCookie);
        return m.group(1);
    }

    static String cookie(String token) {
        return COOKIE + "=" + token;
    }

    /** The session's CSRF token, as the console reads it. */
    static String csrf(String client, String token) {
        return from(client).header("Cookie", cookie(token)).get("/api/auth/session").then().statusCode(200)
                .extract().jsonPath().getString("csrf_token");
    }
}
