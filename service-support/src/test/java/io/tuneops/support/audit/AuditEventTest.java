package io.tuneops.support.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Sample(String name, List<String> scopes, String expires_at) implements AuditDetails {
    }

    @Test
    void recordDetailsAreAnObjectNamedByTheComponents() throws Exception {
        AuditEvent event = AuditEvent.of("api_key.created", "admin", "10.0.0.1", "api_key", "key_1", "create",
                new Sample("ci", List.of("operator"), null));
        JsonNode json = JSON.readTree(JSON.writeValueAsString(event));
        assertEquals("{\"name\":\"ci\",\"scopes\":[\"operator\"],\"expires_at\":null}", json.get("details").toString());
        assertEquals("10.0.0.1", json.get("actor_ip").asText());
        assertEquals("api_key", json.get("target_type").asText());
        assertEquals("key_1", json.get("target_id").asText());
    }

    @Test
    void mapDetailsAreWrittenAsTheMapItself() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("provider", "replicate");
        fields.put("changed", List.of("webhook_allowed_ips"));
        fields.put("note", null);
        AuditEvent event = AuditEvent.of("provider.configured", "admin", null, "provider", "replicate", "update", fields);
        String json = JSON.writeValueAsString(event);
        assertTrue(json.endsWith(",\"details\":{\"provider\":\"replicate\",\"changed\":[\"webhook_allowed_ips\"],\"note\":null}}"),
                json);
        assertEquals("{}", JSON.readTree(JSON.writeValueAsString(
                AuditEvent.of("job.deleted", "a", null, "job", "j", "delete", AuditDetails.NONE))).get("details").toString());
    }
}
