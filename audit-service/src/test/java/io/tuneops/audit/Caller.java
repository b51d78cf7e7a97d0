package io.tuneops.audit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests as the gateway forwards them: identity headers vouched for by the internal secret. */
final class Caller {

    static final String GATEWAY_SECRET = "test-only-internal-secret-0123456789abcdef";

    private Caller() {
    }

    static RequestSpecification as(String actor, String scopes) {
        return RestAssured.given()
                .header("X-Tuneops-Gateway-Secret", GATEWAY_SECRET)
                .header("X-Tuneops-Actor", actor)
                .header("X-Tuneops-Scopes", scopes)
                .header("X-Tuneops-Client-IP", "198.51.100.7");
    }

    static RequestSpecification admin() {
        return as("key_test_admin", "admin");
    }
}
