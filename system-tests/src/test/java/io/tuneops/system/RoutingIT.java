package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Through the gateway, each owner answers on its prefix; nothing else gets through. */
@ExtendWith(Suite.Extension.class)
class RoutingIT {

    private final Suite suite = Suite.Extension.suite();

    @Test
    void eachServiceAnswersOnItsPrefixThroughTheGateway() {
        Http.Reply live = Http.get(suite.gateway("/api/cloud/health/live"));
        assertEquals(200, live.status());
        assertEquals("ok", live.json().get("status").asText());

        Http.Reply ready = Http.get(suite.gateway("/api/cloud/health/ready"));
        assertEquals(200, ready.status(), ready.body());
        assertEquals("ready", ready.json().get("status").asText());

        Http.Reply providers = Http.get(suite.gateway("/api/cloud/providers"));
        assertEquals(200, providers.status());
        assertEquals("replicate", providers.json().get("providers").get(0).get("name").asText());

        // anonymous: neither an upload credential nor an API key
        Http.Reply storage = Http.request("GET", suite.gateway("/api/cloud/storage/outputs/job-1/checkpoint.safetensors"), null);
        assertEquals(403, storage.status());
        assertTrue(storage.body().contains("<Code>AccessDenied</Code>"), storage.body());

        Http.Reply types = Http.get(suite.gateway("/api/audit/types"));
        assertEquals(200, types.status());
        assertTrue(types.json().get("types").size() > 5);
    }

    @Test
    void internalRoutesAndUnknownPathsAre404ThroughTheGateway() {
        for (String path : List.of("/internal/metrics", "/internal/", "/api/internal/x", "/nothing/here")) {
            Http.Reply reply = Http.get(suite.gateway(path));
            assertEquals(404, reply.status(), path);
            assertEquals("Not Found", reply.json().get("detail").asText());
        }
    }

    @Test
    void everyLogLineOfARequestCarriesItsCorrelationIdInEveryService() throws IOException {
        String id = "sys-" + UUID.randomUUID();
        Http.Reply ready = Http.get(suite.gateway("/api/cloud/health/ready"), "X-Correlation-ID", id);
        assertEquals(id, ready.header("X-Correlation-ID"));
        assertEquals(1, ready.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("X-Correlation-ID"))
                .mapToInt(h -> h.getValue().size()).sum(), "one X-Correlation-ID, not the gateway's and the owner's");
        // the request log line is written when the response ends, which may be just after the client has it
        for (String service : List.of("gateway-service", "metrics-service")) {
            Path log = suite.logs.resolve(service + ".log");
            JsonNode line = awaitLogLine(log, id, Duration.ofSeconds(10));
            assertEquals(id, line.get("mdc").get("correlation_id").asText(), service);
            assertTrue(line.get("message").asText().startsWith("GET /api/cloud/health/ready 200"), line.toString());
            assertTrue(line.get("message").asText().contains(" client=127.0.0.1"), line.toString());
            assertTrue(line.hasNonNull("timestamp") && line.hasNonNull("level") && line.hasNonNull("logger"), line.toString());
            // the console gets the same line through the request log's batched writer, same JSON shape
            JsonNode console = awaitLogLine(suite.logs.resolve(service + ".out"), id, Duration.ofSeconds(10));
            assertEquals(id, console.get("mdc").get("correlation_id").asText(), service);
            assertEquals(line.get("message"), console.get("message"), service);
            assertEquals("io.tuneops.http.request", console.get("logger").asText(), service);
        }
    }

    static JsonNode awaitLogLine(Path log, String needle, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains(needle)) {
                        return new Http.Reply(200, Map.of(), line).json();
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line with " + needle + " in " + log);
            }
            ServiceProcess.pause(Duration.ofMillis(100));
        }
    }
}
