package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1 GiB each way through a gateway whose heap is capped at 128 MB: the body must be streamed,
 * and the gateway's own heap figures, sampled during the transfer, must stay well under the size
 * of the body.
 */
@ExtendWith(Suite.Extension.class)
class StreamingIT {

    static final long ONE_GIB = 1L << 30;
    static final long HEAP_BOUND = 100L * 1024 * 1024;

    private static OwnerSink sink;
    private static ServiceProcess gateway;

    @BeforeAll
    static void gatewayInFrontOfASink() {
        sink = new OwnerSink();
        gateway = Suite.Extension.suite().process("gateway-service", LocalServers.freePort(),
                        Map.of("TUNEOPS_UPSTREAM_STORAGE", sink.url()),
                        List.of("-Xmx128m", "-XX:+UseSerialGC"), "gateway-streaming")
                .start().awaitReady(Suite.READY_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        gateway.stop();
        sink.close();
    }

    @Test
    void aOneGibUploadStreamsThroughWithBoundedGatewayHeap() throws Exception {
        byte[] chunk = OwnerSink.pattern();
        CRC32 sent = new CRC32();
        String reply;
        try (HeapSampler heap = new HeapSampler(gateway.url("/q/metrics"))) {
            HttpURLConnection put = (HttpURLConnection) URI.create(gateway.url("/api/cloud/storage/sink")).toURL().openConnection();
            put.setRequestMethod("PUT");
            put.setDoOutput(true);
            put.setFixedLengthStreamingMode(ONE_GIB);
            try (OutputStream out = put.getOutputStream()) {
                for (long written = 0; written < ONE_GIB; written += chunk.length) {
                    out.write(chunk);
                    sent.update(chunk);
                }
            }
            assertEquals(200, put.getResponseCode());
            try (InputStream in = put.getInputStream()) {
                reply = new String(in.readAllBytes());
            }
            heap.close();
            assertTrue(heap.samples() >= 3, "too few heap samples: " + heap.samples());
            assertTrue(heap.peakBytes() < HEAP_BOUND, "gateway heap peaked at " + heap.peakBytes() + " bytes");
        }
        var json = new Http.Reply(200, Map.of(), reply).json();
        assertEquals(ONE_GIB, json.get("length").asLong());
        assertEquals(sent.getValue(), json.get("crc32").asLong());
    }

    @Test
    void aOneGibDownloadStreamsThroughWithBoundedGatewayHeap() throws Exception {
        CRC32 expected = new CRC32();
        byte[] chunk = OwnerSink.pattern();
        for (long n = 0; n < ONE_GIB; n += chunk.length) {
            expected.update(chunk);
        }
        CRC32 received = new CRC32();
        long length = 0;
        try (HeapSampler heap = new HeapSampler(gateway.url("/q/metrics"))) {
            HttpURLConnection get = (HttpURLConnection) URI.create(
                    gateway.url("/api/cloud/storage/source?bytes=" + ONE_GIB)).toURL().openConnection();
            assertEquals(200, get.getResponseCode());
            try (InputStream in = get.getInputStream()) {
                byte[] buffer = new byte[256 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    received.update(buffer, 0, n);
                    length += n;
                }
            }
            heap.close();
            assertTrue(heap.peakBytes() < HEAP_BOUND, "gateway heap peaked at " + heap.peakBytes() + " bytes");
        }
        assertEquals(ONE_GIB, length);
        assertEquals(expected.getValue(), received.getValue());
    }
}
