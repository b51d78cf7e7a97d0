package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * The credentials the public API takes, as the combined description declares them. Each service
 * declares its own schemes under names of its choosing; they are recognised by what they are (an
 * HTTP bearer token, a header and its name), so every operation of the combined description
 * points at these three whatever its owner called them.
 */
enum CredentialScheme {

    BEARER("bearer", "An API key as a bearer token: `Authorization: Bearer <key>` (keys: /api/auth/api-keys)"),
    API_KEY("X-API-Key", "An API key in the `X-API-Key` header, the operations guide's header"),
    SIGV4("sigv4", "AWS Signature Version 4 in the `Authorization` header (or presigned query parameters),"
            + " signed with a job's upload credentials; storage routes only");

    private final String schemeName;
    private final String description;

    CredentialScheme(String schemeName, String description) {
        this.schemeName = schemeName;
        this.description = description;
    }

    String schemeName() {
        return schemeName;
    }

    ObjectNode definition() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (this == BEARER) {
            node.put("type", "http").put("scheme", "bearer");
        } else {
            node.put("type", "apiKey").put("in", "header").put("name", this == API_KEY ? "X-API-Key" : "Authorization");
        }
        return node.put("description", description);
    }

    /** Which of the three a service's security scheme definition is, if any. */
    static Optional<CredentialScheme> recognise(JsonNode scheme) {
        String type = scheme.path("type").asText();
        if (type.equals("http") && scheme.path("scheme").asText().equalsIgnoreCase("bearer")) {
            return Optional.of(BEARER);
        }
        if (type.equals("apiKey") && scheme.path("in").asText().equals("header")) {
            String header = scheme.path("name").asText();
            if (header.equalsIgnoreCase("X-API-Key")) {
                return Optional.of(API_KEY);
            }
            if (header.equalsIgnoreCase("Authorization")) {
                return Optional.of(SIGV4);
            }
        }
        return Optional.empty();
    }
}
