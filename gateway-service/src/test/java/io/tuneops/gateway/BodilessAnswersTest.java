package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An owner's answer that has no body (304, 204, an answer to HEAD) leaves the gateway without
 * chunked framing and without body bytes: the next bytes on the connection are the next answer.
 * A client that reads a chunked 304 waits for a body that never comes (boto3: 60 s).
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class BodilessAnswersTest {

    private static final String KEY = "Authorization: Bearer " + TestKeys.ADMIN + "\r\n";

    @TestHTTPResource("/")
    URL gateway;

    private RawHttp.Head bodiless(String method, String path, int status) throws Exception {
        try (RawHttp http = new RawHttp(gateway)) {
            RawHttp.Head head = http.send(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n" + KEY
                    + "If-None-Match: \"abc\"\r\n\r\n").head();
            assertEquals(status, head.status(), head.text());
            assertNull(head.header("Transfer-Encoding"), head.text());
            // no body bytes, no chunk terminator: the connection's next bytes answer the next request
            RawHttp.Head next = http.send("GET /api/cloud/jobs/after HTTP/1.1\r\nHost: localhost\r\n" + KEY + "\r\n").head();
            assertEquals(200, next.status(), "after " + head.text() + " came " + next.text());
            return head;
        }
    }

    @Test
    void aNotModifiedAnswerIsNotChunked() throws Exception {
        RawHttp.Head head = bodiless("GET", "/api/cloud/jobs/not-modified", 304);
        assertEquals("\"abc\"", head.header("ETag"), head.text());
    }

    @Test
    void aNoContentAnswerIsNotChunked() throws Exception {
        bodiless("DELETE", "/api/cloud/jobs/no-content", 204);
    }

    @Test
    void anAnswerToHeadIsNotChunked() throws Exception {
        bodiless("HEAD", "/api/cloud/jobs/anything", 200);
    }
}
