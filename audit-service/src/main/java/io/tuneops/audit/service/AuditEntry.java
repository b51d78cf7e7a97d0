package io.tuneops.audit.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * One stored audit entry, and the canonical encoding its hash covers: a JSON array of every field
 * in a fixed order, details with keys sorted, time in ISO 8601 UTC with microseconds (what
 * PostgreSQL keeps), so the same entry always encodes to the same bytes.
 */
public record AuditEntry(long seq, String eventId, Instant time, String type, String actor, String actorIp,
                         String targetType, String targetId, String action, JsonNode details,
                         byte[] previousHash, byte[] entryHash) {

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * Written straight to bytes with one generator (verification encodes every row, so this is its
     * hot path). Object keys are sorted, numbers become {@code "#<plain decimal>"} strings:
     * PostgreSQL's jsonb rewrites 1e2 as 100, so the hash must not depend on how a number was
     * written, and a missing details object encodes as {}.
     */
    public static byte[] canonical(long seq, String eventId, Instant time, String type, String actor, String actorIp,
                                   String targetType, String targetId, String action, JsonNode details) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartArray();
            g.writeNumber(seq);
            for (String field : new String[]{eventId, time.toString(), type, actor, actorIp, targetType, targetId, action}) {
                if (field == null) {
                    g.writeNull();
                } else {
                    g.writeString(field);
                }
            }
            if (details == null || details.isNull()) {
                g.writeStartObject();
                g.writeEndObject();
            } else {
                write(g, details);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        if (node.isObject()) {
            g.writeStartObject();
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode item : node) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (node.isNumber()) {
            g.writeString("#" + node.decimalValue().stripTrailingZeros().toPlainString());
        } else if (node.isBoolean()) {
            g.writeBoolean(node.booleanValue());
        } else if (node.isNull()) {
            g.writeNull();
        } else {
            g.writeString(node.asText());
        }
    }

    public static byte[] chain(byte[] previousHash, byte[] canonical) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previousHash);
            sha256.update(canonical);
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] expectedHash() {
        return chain(previousHash, canonical(seq, eventId, time, type, actor, actorIp, targetType, targetId, action, details));
    }
}
