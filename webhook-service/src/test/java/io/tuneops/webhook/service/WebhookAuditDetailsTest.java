package io.tuneops.webhook.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebhookAuditDetailsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, Object> json(Object details) {
        return JSON.convertValue(details, new TypeReference<>() {
        });
    }

    @Test
    void detailsKeepTheirFieldsInOrderNullsIncludedAndEnumsByWireName() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("provider", "generic");
        expected.put("name", null);
        expected.put("hardware", "gpu-a100");
        Map<String, Object> details = json(new WebhookAuditDetails.JobSubmitted(Provider.GENERIC, null, "gpu-a100"));
        assertEquals(expected, details);
        assertEquals(List.of("provider", "name", "hardware"), List.copyOf(details.keySet()));
        assertEquals(Map.of("provider", "replicate", "previous_status", "running"),
                json(new WebhookAuditDetails.JobCancelled(Provider.REPLICATE, JobStatus.RUNNING)));
    }

    @Test
    void aConfigurationChangeNamesTheAllowlistOnlyWhenItChangedIt() {
        assertEquals(Map.of("fields", List.of("ssl_verify")),
                json(new WebhookAuditDetails.ProviderConfigured(List.of("ssl_verify"), null)));
        assertEquals(Map.of("fields", List.of("webhook_allowed_ips"), "webhook_allowed_ips", Arrays.asList("10.0.0.0/8")),
                json(new WebhookAuditDetails.ProviderConfigured(List.of("webhook_allowed_ips"), List.of("10.0.0.0/8"))));
    }
}
