package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.nio.charset.StandardCharsets;
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

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    public static byte[] canonical(long seq, String eventId, Instant time, String type, String actor, String actorIp,
                                   String targetType, String targetId, String action, JsonNode details) {
        ArrayNode fields = CANONICAL.createArrayNode();
        fields.add(seq).add(eventId).add(time.toString()).add(type).add(actor).add(actorIp).add(targetType)
                .add(targetId).add(action);
        try {
            JsonNode normalized = normalize(details == null ? CANONICAL.createObjectNode() : details);
            Object sorted = CANONICAL.treeToValue(normalized, Object.class);
            fields.add(CANONICAL.readTree(CANONICAL.writeValueAsString(sorted)));
            return CANONICAL.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException("audit entry not encodable", e);
        }
    }

    /**
     * Numbers as plain decimals without trailing zeros: PostgreSQL's jsonb rewrites 1e2 as 100, so
     * the hash must not depend on how a number was written.
     */
    private static JsonNode normalize(JsonNode node) {
        if (node.isNumber()) {
            return CANONICAL.getNodeFactory().textNode("#" + node.decimalValue().stripTrailingZeros().toPlainString());
        }
        if (node.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode copy = CANONICAL.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), normalize(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = CANONICAL.createArrayNode();
            node.forEach(n -> copy.add(normalize(n)));
            return copy;
        }
        return node;
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
