package io.tuneops.gateway;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Users, organisations, teams and their keys for tests, made through the API as the bootstrap admin. */
final class People {

    private static final Random RANDOM = new Random();

    private final String client;

    /** Everything from {@code client}: its own rate-limit windows. */
    People(String client) {
        this.client = client;
    }

    static String unique(String base) {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return base + "-" + HexFormat.of().formatHex(bytes);
    }

    RequestSpecification admin() {
        return as(TestKeys.ADMIN);
    }

    RequestSpecification as(String key) {
        return Sessions.from(client).header("Authorization", "Bearer " + key).contentType("application/json");
    }

    RequestSpecification withSession(String token, String csrf) {
        RequestSpecification request = Sessions.from(client).header("Cookie", Sessions.cookie(token)).contentType("application/json");
        return csrf == null ? request : request.header("X-CSRF-Token", csrf);
    }

    String org(String name) {
        return admin().body(Map.of("name", name)).post("/api/orgs").then().statusCode(201).extract().jsonPath().getString("id");
    }

    String team(String org, String name) {
        return admin().body(Map.of("name", name)).post("/api/orgs/" + org + "/teams").then().statusCode(201)
                .extract().jsonPath().getString("id");
    }

    JsonPath user(String username, String role, String org, List<String> teams, String password) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("display_name", "Test " + username);
        body.put("email", username + "@example.com");
        body.put("role", role);
        if (org != null) {
            body.put("org_id", org);
        }
        if (teams != null) {
            body.put("team_ids", teams);
        }
        if (password != null) {
            body.put("password", password);
        }
        return admin().body(body).post("/api/users").then().statusCode(201).extract().jsonPath();
    }

    /** A new key of the user, made by the bootstrap admin; answers the key itself. */
    String key(String userId, String... scopes) {
        return admin().body(Map.of("name", "key of " + userId, "scopes", List.of(scopes))).post("/api/users/" + userId + "/api-keys")
                .then().statusCode(201).extract().jsonPath().getString("key");
    }

    /** Signs in with the original's route and answers the session token. */
    String login(String username, String password) {
        String setCookie = Sessions.from(Sessions.newClient()).contentType("application/json")
                .body(Map.of("username", username, "password", password)).post("/api/auth/login")
                .then().statusCode(200).extract().header("Set-Cookie");
        return Sessions.token(setCookie);
    }
}
