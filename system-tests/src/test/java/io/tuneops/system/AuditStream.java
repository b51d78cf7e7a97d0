package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.io.UncheckedIOException;

/** Reads the shared audit stream straight from Redis (audit-service's consumer comes later). */
final class AuditStream {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditStream() {
    }

    static JsonNode events(Suite suite, String type) {
        ArrayNode found = JSON.createArrayNode();
        try (Jedis jedis = new Jedis("127.0.0.1", suite.servers.redisPort())) {
            for (var entry : jedis.xrange("tuneops:audit:events", (StreamEntryID) null, (StreamEntryID) null, 100_000)) {
                JsonNode event = JSON.readTree(entry.getFields().get("event"));
                if (type.equals(event.get("type").asText())) {
                    found.add(event);
                }
            }
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
