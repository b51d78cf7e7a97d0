package io.tuneops.gateway;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9112: a request whose framing two parsers could read differently is refused at the gateway
 * with 400 and a closed connection, and never reaches an owner (whose echo would be a 200). Each
 * is the first request on its connection, where a smuggled second request would hide.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
@WithTestResource(FakeOwnersResource.class)
class RequestFramingTest {

    private static final String KEY = "Authorization: Bearer " + TestKeys.ADMIN + "\r\n";
    /**
     * A client address of this test's own (through the trusted loopback proxy): the rate limit
     * counts per address, and the other test classes' requests from loopback share one budget.
     */
    private static final String OWN_CLIENT = "X-Forwarded-For: 198.51.100.201\r\n";

    @TestHTTPResource("/")
    URL gateway;

    private void refused(String request) throws Exception {
        FakeOwnersResource.RECEIVED_URIS.clear();
        try (RawHttp http = new RawHttp(gateway)) {
            RawHttp.Head head = http.send(request).head();
            assertEquals(400, head.status(), head.text());
            String rest = http.rest();
            assertFalse(rest.contains("HTTP/1.1 200"), "a smuggled request was answered: " + rest);
            assertFalse(rest.endsWith("<still open>"), "the connection stayed open after " + head.text());
        }
        assertTrue(FakeOwnersResource.RECEIVED_URIS.stream().noneMatch(u -> u.contains("framing")),
                "forwarded: " + FakeOwnersResource.RECEIVED_URIS);
    }

    @Test
    void contentLengthWithChunkedIsRefused() throws Exception {
        refused("POST /api/cloud/jobs/framing HTTP/1.1\r\nHost: localhost\r\n" + KEY
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /api/cloud/jobs/framing-smuggled HTTP/1.1\r\nHost: localhost\r\n" + KEY + "\r\n");
    }

    @Test
    void contentLengthWithAnotherTransferCodingIsRefused() throws Exception {
        refused("POST /api/cloud/jobs/framing HTTP/1.1\r\nHost: localhost\r\n" + KEY
                + "Content-Length: 4\r\nTransfer-Encoding: gzip\r\n\r\nabcd");
    }

    @Test
    void aTransferCodingThatDoesNotEndInChunkedIsRefused() throws Exception {
        refused("POST /api/cloud/jobs/framing HTTP/1.1\r\nHost: localhost\r\n" + KEY
                + "Transfer-Encoding: chunked, gzip\r\n\r\n4\r\nabcd\r\n0\r\n\r\n");
    }

    @Test
    void conflictingContentLengthsAreRefused() throws Exception {
        refused("POST /api/cloud/jobs/framing HTTP/1.1\r\nHost: localhost\r\n" + KEY
                + "Content-Length: 4\r\nContent-Length: 30\r\n\r\nabcd");
        refused("POST /api/cloud/jobs/framing HTTP/1.1\r\nHost: localhost\r\n" + KEY
                + "Content-Length: 4, 30\r\n\r\nabcd");
    }

    @Test
    void twoHostHeadersAreRefusedInTheDocumentedShape() throws Exception {
        FakeOwnersResource.RECEIVED_URIS.clear();
        try (RawHttp http = new RawHttp(gateway)) {
            RawHttp.Head head = http.send("GET /api/cloud/jobs/framing HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n"
                    + KEY + "\r\n").head();
            assertEquals(400, head.status(), head.text());
            assertEquals("close", head.header("Connection"), head.text());
            String body = http.body(Integer.parseInt(head.header("Content-Length")));
            assertEquals("{\"detail\":\"Ambiguous request: more than one Host header\"}", body);
            assertFalse(http.rest().endsWith("<still open>"), "the connection stayed open");
        }
        assertTrue(FakeOwnersResource.RECEIVED_URIS.isEmpty(), "forwarded: " + FakeOwnersResource.RECEIVED_URIS);
    }

    @Test
    void unambiguousRequestsStillPassOnOneConnection() throws Exception {
        try (RawHttp http = new RawHttp(gateway)) {
            http.send("POST /api/cloud/jobs/framing-ok HTTP/1.1\r\nHost: localhost\r\n" + KEY + OWN_CLIENT
                    + "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n");
            RawHttp.Head chunked = http.head();
            assertEquals(200, chunked.status(), chunked.text());
            assertTrue(http.body(Integer.parseInt(chunked.header("Content-Length"))).contains("\"length\":4"));
            http.send("POST /api/cloud/jobs/framing-ok HTTP/1.1\r\nHost: localhost\r\n" + KEY + OWN_CLIENT
                    + "Content-Length: 3\r\n\r\nabc");
            RawHttp.Head sized = http.head();
            assertEquals(200, sized.status(), sized.text());
            assertTrue(http.body(Integer.parseInt(sized.header("Content-Length"))).contains("\"length\":3"));
        }
    }
}
