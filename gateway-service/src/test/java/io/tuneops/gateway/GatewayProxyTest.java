package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class GatewayProxyTest {

    @TestHTTPResource("/")
    URL gateway;

    @org.junit.jupiter.api.BeforeEach
    void asAdmin() {
        RestAssured.requestSpecification = new io.restassured.builder.RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + TestKeys.ADMIN).build();
    }

    @org.junit.jupiter.api.AfterEach
    void anonymousAgain() {
        RestAssured.requestSpecification = null;
    }

    @Test
    void forwardsEachDocumentedPrefixWithItsQueryString() {
        for (String path : new String[]{"/api/webhooks/replicate", "/api/cloud/providers/replicate/config",
                "/api/cloud/jobs/j-1?state=running&limit=5", "/api/cloud/metrics/config",
                "/api/cloud/health/ready", "/api/audit?event_type=webhook_rejected&limit=100",
                "/api/cloud/notifications/history?status=failed&limit=5", "/api/webhooks/nch_1/history"}) {
            RestAssured.get(path).then().statusCode(200).body("uri", equalTo(path));
        }
        // per-pod HTTP metrics name the route template, never an id (one series per job otherwise)
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("uri=\"/api/cloud/jobs/{job_id}\""), metrics);
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("uri=\"/api/cloud/providers/{provider}/config\""), metrics);
        org.junit.jupiter.api.Assertions.assertFalse(metrics.contains("j-1"), metrics);
    }

    @Test
    void aPrefixWithoutTrailingPathIsRoutedButALookalikeIsNot() {
        RestAssured.get("/api/cloud/jobs").then().statusCode(200).body("uri", equalTo("/api/cloud/jobs"));
        RestAssured.get("/api/cloud/jobsfoo").then().statusCode(404).body("detail", equalTo("Not Found"));
        RestAssured.get("/api/auditx").then().statusCode(404);
    }

    @Test
    void internalRoutesAreNeverForwarded() {
        RestAssured.get("/internal/metrics").then().statusCode(404).body("detail", equalTo("Not Found"));
        FakeOwnersResource.RECEIVED_URIS.clear();
        String[] escapes = {"/api/cloud/jobs/../../../internal/metrics", "/api/cloud/jobs/%2e%2e/%2e%2e/%2e%2e/internal/metrics"};
        for (String escape : escapes) {
            Response response = rawGet(escape);
            assertEquals(404, response.statusCode(), escape);
        }
        assertTrue(FakeOwnersResource.RECEIVED_URIS.stream().noneMatch(u -> u.contains("internal")),
                "an owner was sent " + FakeOwnersResource.RECEIVED_URIS);
    }

    @Test
    void keepsTheClientsHostHeader() {
        RestAssured.get("/api/cloud/jobs/x").then().statusCode(200)
                .body("host", equalTo(gateway.getHost() + ":" + gateway.getPort()));
    }

    @Test
    void streamsARequestBodyIntact() {
        // just under the 10 MB JSON API limit (storage routes have none: the system tests send 1 GiB there)
        byte[] body = new byte[9 * 1024 * 1024];
        new Random(7).nextBytes(body);
        String sha256 = HexFormat.of().formatHex(FakeOwnersResource.sha256().digest(body));
        byte[] webhook = java.util.Arrays.copyOf(body, 900 * 1024);
        String webhookSha256 = HexFormat.of().formatHex(FakeOwnersResource.sha256().digest(webhook));
        // an InputStream body is sent chunked, the way streaming clients send it
        RestAssured.given().body((InputStream) new ByteArrayInputStream(body))
                .put("/api/cloud/jobs/upload").then().statusCode(200)
                .body("method", equalTo("PUT"))
                .body("length", equalTo(body.length))
                .body("sha256", equalTo(sha256));
        RestAssured.given().body(webhook).post("/api/webhooks/replicate").then().statusCode(200)
                .body("length", equalTo(webhook.length))
                .body("sha256", equalTo(webhookSha256));
    }

    @Test
    void anApiKeyNeverTravelsPastTheGateway() {
        anonymousAgain();
        RestAssured.given().header("Authorization", "Bearer " + TestKeys.ADMIN).get("/api/cloud/jobs/x").then().statusCode(200)
                .body("actor", equalTo("bootstrap-admin")).body("authorization", equalTo("null"));
        RestAssured.given().header("X-API-Key", TestKeys.ADMIN).get("/api/cloud/jobs/x").then().statusCode(200)
                .body("api_key", equalTo("null")).body("authorization", equalTo("null"));
        // other credentials are the owner's business: an S3 client's SigV4 signature, for one
        String sigV4 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00";
        RestAssured.given().header("Authorization", sigV4).post("/api/webhooks/replicate").then().statusCode(200)
                .body("authorization", equalTo(sigV4));
    }

    @Test
    void expectGoesOnToTheOwnerOnlyWhenAnS3ClientSignedIt() {
        anonymousAgain();
        byte[] body = new byte[256 * 1024];
        // answered by the gateway; the owner is not asked again
        RestAssured.given().header("Expect", "100-continue").body(body).post("/api/webhooks/replicate").then().statusCode(200)
                .body("expect", equalTo("null")).body("length", equalTo(body.length));
        // a signature over it would not hold without it: the owner gets it, and its own 100 is passed over
        String signed = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/us-east-1/s3/aws4_request, "
                + "SignedHeaders=content-length;expect;host;x-amz-date, Signature=00";
        RestAssured.given().header("Expect", "100-continue").header("Authorization", signed).body(body)
                .post("/api/webhooks/replicate").then().statusCode(200)
                .body("expect", equalTo("100-continue")).body("length", equalTo(body.length));
        RestAssured.given().header("Expect", "100-continue").urlEncodingEnabled(false).body(body)
                .post("/api/webhooks/replicate?X-Amz-SignedHeaders=expect%3Bhost&X-Amz-Signature=00").then().statusCode(200)
                .body("expect", equalTo("100-continue")).body("length", equalTo(body.length));
    }

    @Test
    void passesTheCorrelationIdToTheOwner() {
        RestAssured.given().header("X-Correlation-ID", "corr-42").get("/api/audit/types").then()
                .statusCode(200).header("X-Correlation-ID", "corr-42").body("correlation_id", equalTo("corr-42"));
        Response generated = RestAssured.get("/api/audit/types");
        String id = generated.header("X-Correlation-ID");
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(id, generated.jsonPath().getString("correlation_id"));
    }

    @Test
    void anOwnerThatIsDownIsAJson502Quickly() {
        long start = System.nanoTime();
        RestAssured.get("/api/cloud/storage/bucket/key").then()
                .statusCode(502)
                .contentType(containsString("application/json"))
                .body("detail", equalTo("storage-service is unavailable"));
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "502 took too long");
    }

    @Test
    void anOwnerThatDoesNotAnswerIsAJson504AfterTheResponseTimeout() {
        long start = System.nanoTime();
        RestAssured.get("/api/cloud/jobs/slow").then()
                .statusCode(504)
                .contentType(containsString("application/json"))
                .body("detail", equalTo("webhook-service did not answer in time"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 900 && millis < 5_000, "504 after " + millis + " ms with a 1 s timeout");
    }

    @Test
    void theGatewayStaysUpAfterUpstreamFailures() {
        RestAssured.get("/api/cloud/storage/x").then().statusCode(502);
        RestAssured.get("/api/cloud/health/live").then().statusCode(200);
        RestAssured.get("/q/health/live").then().statusCode(200).header("X-Correlation-ID", matchesPattern(".+"));
    }

    /** Sends the path byte for byte: HTTP clients would resolve the dot segments themselves. */
    private Response rawGet(String path) {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + gateway.getHost()
                    + "\r\nAuthorization: Bearer " + TestKeys.ADMIN + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(raw.substring(9, 12));
            assertFalse(raw.isEmpty());
            return new io.restassured.builder.ResponseBuilder().setStatusCode(status)
                    .setBody(raw.substring(raw.indexOf("\r\n\r\n") + 4)).build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
