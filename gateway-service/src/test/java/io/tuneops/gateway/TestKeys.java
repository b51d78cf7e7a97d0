package io.tuneops.gateway;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.util.List;

/** Keys for tests: the %test bootstrap admin token, and keys created through the API with it. */
final class TestKeys {

    static final String ADMIN = "dev-and-test-only-admin-token-0123456789";

    private TestKeys() {
    }

    record Created(String id, String key) {
    }

    static Created create(String name, List<String> scopes, String expiresAt) {
        return create(RestAssured.given(), name, scopes, expiresAt);
    }

    /**
     * Created from {@code client} (through the trusted loopback proxy), so that the key-creation
     * rate limit (10 a minute per address) of the tests that create many keys is their own.
     */
    static Created createFrom(String client, String name, List<String> scopes) {
        return create(RestAssured.given().header("X-Forwarded-For", client), name, scopes, null);
    }

    private static Created create(RequestSpecification request, String name, List<String> scopes, String expiresAt) {
        StringBuilder body = new StringBuilder("{\"name\":\"" + name + "\",\"scopes\":[");
        for (int i = 0; i < scopes.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(scopes.get(i)).append('"');
        }
        body.append("]").append(expiresAt == null ? "" : ",\"expires_at\":\"" + expiresAt + "\"").append("}");
        var response = request.header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body(body.toString()).post("/api/auth/api-keys");
        response.then().statusCode(201);
        return new Created(response.jsonPath().getString("id"), response.jsonPath().getString("key"));
    }
}
