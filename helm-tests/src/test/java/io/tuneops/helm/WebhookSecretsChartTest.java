package io.tuneops.helm;

import static io.tuneops.helm.ChartSupport.name;
import static io.tuneops.helm.ChartSupport.objects;
import static io.tuneops.helm.ChartSupport.ofKind;
import static io.tuneops.helm.ChartSupport.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * webhookSecrets.existingSecret: the providers' default signing secrets reach webhook-service (and
 * no other service) as mounted files named by TUNEOPS_WEBHOOK_SECRET_<PROVIDER>_FILE, never inline.
 */
class WebhookSecretsChartTest {

    static final String SECRET = "tuneops-webhook-secrets";
    static final String DIR = "/var/run/secrets/tuneops/";

    private static List<JsonNode> deployments(Map<String, Object> set) {
        return ofKind(objects(render(null, set)), "Deployment");
    }

    private static JsonNode deployment(List<JsonNode> deployments, String component) {
        return deployments.stream().filter(d -> component.equals(InstallChartTest.component(d))).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment for " + component));
    }

    private static Map<String, JsonNode> env(JsonNode deployment) {
        Map<String, JsonNode> env = new HashMap<>();
        deployment.at("/spec/template/spec/containers/0/env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    /** key -> path of the projected source reading {@link #SECRET}, empty when there is none. */
    private static Map<String, String> mountedItems(JsonNode deployment) {
        Map<String, String> items = new HashMap<>();
        for (JsonNode volume : deployment.at("/spec/template/spec/volumes")) {
            for (JsonNode source : volume.at("/projected/sources")) {
                if (SECRET.equals(source.at("/secret/name").asText())) {
                    assertEquals("secrets", volume.path("name").asText(), "the projected volume mounted at " + DIR);
                    source.at("/secret/items").forEach(i -> items.put(i.path("key").asText(), i.path("path").asText()));
                }
            }
        }
        return items;
    }

    @Test
    void withoutAnExistingSecretNothingIsMounted() {
        for (JsonNode d : deployments(Map.of())) {
            assertTrue(env(d).keySet().stream().noneMatch(n -> n.startsWith("TUNEOPS_WEBHOOK_SECRET")), name(d));
            assertTrue(mountedItems(d).isEmpty(), name(d));
        }
    }

    @Test
    void theExistingSecretsKeysAreMountedAsFilesForWebhookServiceOnly() {
        List<JsonNode> deployments = deployments(Map.of("webhookSecrets.existingSecret", SECRET));
        JsonNode webhook = deployment(deployments, "webhook");
        assertEquals(Map.of("replicate", "webhook-secret-replicate", "generic", "webhook-secret-generic"), mountedItems(webhook));
        Map<String, JsonNode> env = env(webhook);
        assertEquals(DIR + "webhook-secret-replicate", env.get("TUNEOPS_WEBHOOK_SECRET_REPLICATE_FILE").path("value").asText());
        assertEquals(DIR + "webhook-secret-generic", env.get("TUNEOPS_WEBHOOK_SECRET_GENERIC_FILE").path("value").asText());
        assertFalse(env.containsKey("TUNEOPS_WEBHOOK_SECRET_REPLICATE"), "the secret itself is never an env value");
        assertFalse(env.containsKey("TUNEOPS_WEBHOOK_SECRET_GENERIC"), "the secret itself is never an env value");
        JsonNode mount = webhook.at("/spec/template/spec/containers/0/volumeMounts");
        boolean mounted = false;
        for (JsonNode m : mount) {
            mounted |= m.path("name").asText().equals("secrets") && (m.path("mountPath").asText() + "/").equals(DIR)
                    && m.path("readOnly").asBoolean();
        }
        assertTrue(mounted, "the secrets volume is mounted read-only at " + DIR + ": " + mount);

        for (String other : List.of("gateway", "storage", "metrics", "audit")) {
            JsonNode d = deployment(deployments, other);
            assertTrue(mountedItems(d).isEmpty(), other + " must not see the webhook secrets");
            assertTrue(env(d).keySet().stream().noneMatch(n -> n.startsWith("TUNEOPS_WEBHOOK_SECRET")), other);
        }
        // the user's Secret is referenced, not created: its values never pass through the chart
        for (JsonNode o : objects(render(null, Map.of("webhookSecrets.existingSecret", SECRET)))) {
            assertFalse(o.path("kind").asText().equals("Secret") && name(o).equals(SECRET), "the chart renders " + SECRET);
            assertFalse(o.path("kind").asText().equals("Secret") && o.path("data").has("webhook-secret-generic"), name(o));
        }
    }

    @Test
    void aProviderWithoutAKeyIsLeftOutAndOtherKeyNamesAreUsed() {
        JsonNode webhook = deployment(deployments(Map.of("webhookSecrets.existingSecret", SECRET,
                "webhookSecrets.genericKey", "", "webhookSecrets.replicateKey", "replicate-whsec")), "webhook");
        assertEquals(Map.of("replicate-whsec", "webhook-secret-replicate"), mountedItems(webhook));
        assertTrue(env(webhook).containsKey("TUNEOPS_WEBHOOK_SECRET_REPLICATE_FILE"));
        assertFalse(env(webhook).containsKey("TUNEOPS_WEBHOOK_SECRET_GENERIC_FILE"), "no file, no variable (it would not start)");
    }

    @Test
    void misuseIsRefusedAtRenderTime() {
        RuntimeException noKeys = assertThrows(RuntimeException.class, () -> render(null, Map.of(
                "webhookSecrets.existingSecret", SECRET, "webhookSecrets.genericKey", "", "webhookSecrets.replicateKey", "")));
        assertTrue(noKeys.getMessage().contains("both replicateKey and genericKey are empty"), noKeys.getMessage());
        RuntimeException inline = assertThrows(RuntimeException.class,
                () -> render(null, Map.of("webhook.env.TUNEOPS_WEBHOOK_SECRET_GENERIC", "whsec_inline")));
        assertTrue(inline.getMessage().contains("secrets are not set through env"), inline.getMessage());
        RuntimeException unknown = assertThrows(RuntimeException.class,
                () -> render(null, Map.of("webhookSecrets.replicate", "whsec_inline")));
        assertTrue(unknown.getMessage().contains("replicate"), unknown.getMessage());
    }
}
