package io.tuneops.system;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API keys and console sessions as the console tests obtain them outside the browser: keys
 * created with the suite's admin token, a session opened with the JSON form of the sign-in.
 *
 * @param gateway base URL of the gateway
 * @param client  the X-Forwarded-For address the calls come from (the test's own rate-limit windows)
 */
record ConsoleSessions(String gateway, String client) {

    static final String COOKIE = "tuneops_session";
    private static final Pattern SESSION = Pattern.compile(COOKIE + "=([^;]+)");

    /** An API key as the gateway hands it out once. */
    record Key(String id, String key, String scope) {
    }

    Key key(String name, String scope) {
        Http.Reply created = Http.request("POST", gateway + "/api/auth/api-keys",
                "{\"name\":\"" + name + "\",\"scopes\":[\"" + scope + "\"]}",
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(201, created.status(), created.body());
        return new Key(created.json().get("id").asText(), created.json().get("key").asText(), scope);
    }

    void revoke(Key key) {
        Http.Reply revoked = Http.request("DELETE", gateway + "/api/auth/api-keys/" + key.id(), null,
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client);
        assertTrue(revoked.status() == 200 || revoked.status() == 204, revoked.status() + " " + revoked.body());
    }

    /** Signs in with {@code key} (JSON form) and answers the session cookie's value. */
    String signIn(Key key) {
        Http.Reply session = Http.request("POST", gateway + "/api/auth/session", "{\"api_key\": \"" + key.key() + "\"}",
                "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(200, session.status(), session.body());
        List<String> cookies = session.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("set-cookie"))
                .flatMap(e -> e.getValue().stream()).toList();
        String value = cookies.stream().map(SESSION::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null);
        assertNotNull(value, "no " + COOKIE + " cookie in " + cookies);
        return value;
    }

    /** GET of a console page with the session cookie. */
    Http.Reply page(String session, String path) {
        return Http.request("GET", gateway + path, null, "Cookie", COOKIE + "=" + session, "X-Forwarded-For", client);
    }
}
