package io.tuneops.helm;

import static io.tuneops.helm.ChartSupport.objects;
import static io.tuneops.helm.ChartSupport.ofKind;
import static io.tuneops.helm.ChartSupport.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

/**
 * webhook.notifications: the delivery settings reach webhook-service (and no other service) as
 * TUNEOPS_NOTIFICATIONS_*, the console links default to the release's public URL, the schema
 * refuses what the service would refuse at start, and the NetworkPolicy lets webhook-service reach
 * notification channels (HTTPS and SMTP submission ports) unless the ports are emptied.
 */
class NotificationsChartTest {

    private static Map<String, Map<String, String>> envByComponent(Map<String, Object> set) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (JsonNode d : ofKind(objects(render(null, set)), "Deployment")) {
            Map<String, String> env = new HashMap<>();
            d.at("/spec/template/spec/containers/0/env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
            out.put(InstallChartTest.component(d), env);
        }
        return out;
    }

    @Test
    void theDefaultsReachWebhookServiceOnly() {
        Map<String, Map<String, String>> env = envByComponent(Map.of("publicUrl", "https://tuneops.example.com"));
        Map<String, String> webhook = env.get("webhook");
        assertEquals("true", webhook.get("TUNEOPS_NOTIFICATIONS_ENABLED"));
        assertEquals("https://tuneops.example.com", webhook.get("TUNEOPS_NOTIFICATIONS_PUBLIC_URL"), "console links follow publicUrl");
        assertEquals("10s", webhook.get("TUNEOPS_NOTIFICATIONS_DELIVERY_TIMEOUT"));
        assertEquals("10", webhook.get("TUNEOPS_NOTIFICATIONS_MAX_ATTEMPTS"));
        assertEquals("5s", webhook.get("TUNEOPS_NOTIFICATIONS_BACKOFF_INITIAL"));
        assertEquals("15m", webhook.get("TUNEOPS_NOTIFICATIONS_BACKOFF_MAX"));
        assertEquals("64", webhook.get("TUNEOPS_NOTIFICATIONS_CONCURRENCY"));
        assertEquals("30m", webhook.get("TUNEOPS_NOTIFICATIONS_STALL_AFTER"));
        assertEquals("30d", webhook.get("TUNEOPS_NOTIFICATIONS_HISTORY_RETENTION"));
        assertEquals("false", webhook.get("TUNEOPS_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS"), "private targets are refused by default");
        for (Map.Entry<String, Map<String, String>> other : env.entrySet()) {
            if (!other.getKey().equals("webhook")) {
                assertTrue(other.getValue().keySet().stream().noneMatch(k -> k.startsWith("TUNEOPS_NOTIFICATIONS_")),
                        other.getKey() + ": " + other.getValue().keySet());
            }
        }
    }

    @Test
    void settingsAreTakenAsGiven() {
        Map<String, String> webhook = envByComponent(Map.of("webhook.notifications.publicUrl", "https://console.example.com",
                "webhook.notifications.maxAttempts", 20, "webhook.notifications.backoffMax", "1h",
                "webhook.notifications.allowPrivateTargets", true, "webhook.notifications.enabled", false)).get("webhook");
        assertEquals("https://console.example.com", webhook.get("TUNEOPS_NOTIFICATIONS_PUBLIC_URL"));
        assertEquals("20", webhook.get("TUNEOPS_NOTIFICATIONS_MAX_ATTEMPTS"));
        assertEquals("1h", webhook.get("TUNEOPS_NOTIFICATIONS_BACKOFF_MAX"));
        assertEquals("true", webhook.get("TUNEOPS_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS"));
        assertEquals("false", webhook.get("TUNEOPS_NOTIFICATIONS_ENABLED"));
    }

    @Test
    void theSchemaRefusesWhatTheServiceWould() {
        assertThrows(RuntimeException.class, () -> render(null, Map.of("webhook.notifications.maxAttempts", 0)));
        assertThrows(RuntimeException.class, () -> render(null, Map.of("webhook.notifications.backoffInitial", "soon")));
        assertThrows(RuntimeException.class, () -> render(null, Map.of("webhook.notifications.publicUrl", "console.example.com")));
        RuntimeException e = assertThrows(RuntimeException.class, () -> render(null, Map.of("webhook.notifications.retries", 3)));
        assertTrue(e.getMessage().contains("retries"), e.getMessage());
    }

    @Test
    void webhookServiceMayReachChannelsOnHttpsAndSmtpPorts() throws IOException {
        List<JsonNode> objects = objects(render(null, Map.of()));
        JsonNode policy = InstallChartTest.policy(objects, "webhook");
        Set<Integer> open = new TreeSet<>();
        for (JsonNode rule : policy.at("/spec/egress")) {
            if ("0.0.0.0/0".equals(rule.at("/to/0/ipBlock/cidr").asText())) {
                rule.path("ports").forEach(p -> open.add(p.path("port").asInt()));
            }
        }
        assertTrue(open.containsAll(List.of(443, 465, 587)), open.toString());
        for (String other : List.of("gateway", "storage", "metrics", "audit")) {
            String egress = InstallChartTest.policy(objects, other).at("/spec/egress").toString();
            assertFalse(egress.contains("\"port\":587"), other + " sends no mail: " + egress);
        }
        Path values = Files.createTempFile("notification-egress-", "-values.yaml");
        Files.writeString(values, "networkPolicy: {notificationEgress: {ports: []}}\n");
        JsonNode without = InstallChartTest.policy(objects(render(values, Map.of())), "webhook");
        assertFalse(without.at("/spec/egress").toString().contains("\"port\":587"), without.at("/spec/egress").toString());
    }
}
