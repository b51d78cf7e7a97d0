package io.tuneops.webhook.service;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuditDetailsTest {

    @Test
    void detailsKeepTheirFieldsInOrderNullsIncludedAndEnumsByWireName() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("provider", "generic");
        expected.put("name", null);
        expected.put("hardware", "gpu-a100");
        Map<String, Object> details = AuditDetails.of(new AuditDetails.JobSubmitted(Provider.GENERIC, null, "gpu-a100"));
        assertEquals(expected, details);
        assertEquals(List.of("provider", "name", "hardware"), List.copyOf(details.keySet()));
        assertEquals(Map.of("provider", "replicate", "previous_status", "running"),
                AuditDetails.of(new AuditDetails.JobCancelled(Provider.REPLICATE, JobStatus.RUNNING)));
    }

    @Test
    void aConfigurationChangeNamesTheAllowlistOnlyWhenItChangedIt() {
        assertEquals(Map.of("fields", List.of("ssl_verify")),
                AuditDetails.of(new AuditDetails.ProviderConfigured(List.of("ssl_verify"), null)));
        assertEquals(Map.of("fields", List.of("webhook_allowed_ips"), "webhook_allowed_ips", Arrays.asList("10.0.0.0/8")),
                AuditDetails.of(new AuditDetails.ProviderConfigured(List.of("webhook_allowed_ips"), List.of("10.0.0.0/8"))));
    }
}
