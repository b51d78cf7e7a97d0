package io.tuneops.helm;

import static io.tuneops.helm.ChartSupport.name;
import static io.tuneops.helm.ChartSupport.objects;
import static io.tuneops.helm.ChartSupport.ofKind;
import static io.tuneops.helm.ChartSupport.render;
import static io.tuneops.helm.InstallChartTest.component;
import static io.tuneops.helm.InstallChartTest.egressTo;
import static io.tuneops.helm.InstallChartTest.ingressFrom;
import static io.tuneops.helm.InstallChartTest.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * console-service in the chart: run like the other services (ChartTest checks its Deployment's
 * hardening and probes with theirs), reached by the gateway only, reaching the owners and the
 * gateway only, holding no database or Redis credentials; console.enabled=false leaves every trace
 * of it out.
 */
class ConsoleChartTest {

    static final int PORT = ChartTest.PORTS.get("console");

    static Stream<Path> scenarios() {
        return ChartTest.scenarios();
    }

    @ParameterizedTest(name = "only the gateway reaches console-service, which reaches the owners and the gateway, with {0}")
    @MethodSource("scenarios")
    void networkPolicyAdmitsTheGatewayAndLetsItCallTheOwners(Path values) {
        List<JsonNode> objects = objects(render(values, Map.of()));
        JsonNode console = policy(objects, "console");
        assertEquals(Set.of("gateway"), ingressFrom(console, PORT));
        for (JsonNode rule : console.at("/spec/ingress")) {
            for (JsonNode from : rule.path("from")) {
                assertTrue(from.has("namespaceSelector")
                        || "gateway".equals(from.at("/podSelector/matchLabels/app.kubernetes.io~1component").asText()),
                        "console-service admits " + from);
            }
        }

        Map<Integer, Set<String>> egress = new HashMap<>();
        console.at("/spec/egress").forEach(r -> r.path("ports").forEach(p -> {
            int port = p.path("port").asInt();
            egress.put(port, egressTo(console, port));
        }));
        Map<Integer, Set<String>> expected = new HashMap<>(Map.of(53, Set.of()));
        ChartTest.PORTS.forEach((component, port) -> {
            if (!component.equals("console")) {
                expected.put(port, Set.of(component));
            }
        });
        assertEquals(expected, egress, "DNS, the owners and the gateway; no PostgreSQL, no Redis");

        for (String owner : ChartTest.OWNERS) {
            int port = ChartTest.PORTS.get(owner);
            assertTrue(ingressFrom(policy(objects, owner), port).contains("console"), owner + " admits console-service");
        }
        JsonNode gateway = policy(objects, "gateway");
        assertEquals(Set.of("console"), egressTo(gateway, PORT), "the gateway forwards the console's paths");
        JsonNode gatewayIngress = gateway.at("/spec/ingress/0");
        if (gatewayIngress.has("from")) {
            assertTrue(ingressFrom(gateway, 8080).contains("console"),
                    "with gatewayFrom set the gateway still admits console-service (API-key routes)");
        }
    }

    @ParameterizedTest(name = "console-service gets the owners' addresses and the internal secret only, with {0}")
    @MethodSource("scenarios")
    void deploymentGetsTheInternalSecretAndNoStoreCredentials(Path values) {
        List<JsonNode> objects = objects(render(values, Map.of()));
        JsonNode deployment = find(objects, "Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertTrue(container.path("image").asText().contains("/console-service:"), container.path("image").asText());
        assertEquals(PORT, container.at("/ports/0/containerPort").asInt());
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertEquals(String.valueOf(PORT), env.get("TUNEOPS_HTTP_PORT"));
        assertEquals("/var/run/secrets/tuneops/internal-secret", env.get("TUNEOPS_INTERNAL_SECRET_FILE"));
        Set<String> fileVariables = new HashSet<>();
        env.keySet().stream().filter(v -> v.endsWith("_FILE")).forEach(fileVariables::add);
        assertEquals(Set.of("TUNEOPS_INTERNAL_SECRET_FILE"), fileVariables, "least privilege");
        // the owners' and the gateway's addresses come with the shared ConfigMap
        assertTrue(container.at("/envFrom/0/configMapRef/name").asText().endsWith("-config"));
        JsonNode config = ofKind(objects, "ConfigMap").stream().filter(m -> name(m).equals("prod-tuneops-config"))
                .findFirst().orElseThrow().path("data");
        for (String upstream : List.of("GATEWAY", "WEBHOOK", "STORAGE", "METRICS", "AUDIT", "CONSOLE")) {
            assertFalse(config.path("TUNEOPS_UPSTREAM_" + upstream).asText().isEmpty(), upstream);
        }

        assertEquals(PORT, find(objects, "Service").at("/spec/ports/0/port").asInt());
        assertEquals("ClusterIP", find(objects, "Service").at("/spec/type").asText(), "reached through the gateway only");
        assertEquals(1, find(objects, "PodDisruptionBudget").at("/spec/maxUnavailable").asInt());
    }

    @Test
    void replicasAndResourcesComeFromValues() {
        List<JsonNode> objects = objects(render(null, Map.of("console.replicaCount", 3,
                "console.resources.limits.memory", "768Mi", "console.resources.requests.cpu", "50m")));
        JsonNode deployment = find(objects, "Deployment");
        assertEquals(3, deployment.at("/spec/replicas").asInt());
        assertEquals("768Mi", deployment.at("/spec/template/spec/containers/0/resources/limits/memory").asText());
        assertEquals("50m", deployment.at("/spec/template/spec/containers/0/resources/requests/cpu").asText());

        List<JsonNode> scaled = objects(render(null, Map.of("console.autoscaling.enabled", true)));
        assertTrue(find(scaled, "Deployment").at("/spec/replicas").isMissingNode(), "the HPA owns replicas");
        assertEquals(2, find(scaled, "HorizontalPodAutoscaler").at("/spec/minReplicas").asInt());

        assertThrows(RuntimeException.class, () -> render(null, Map.of("console.enabled", "maybe")));
        assertThrows(RuntimeException.class, () -> render(null, Map.of("console.replicas", 2)));
    }

    @Test
    void disabledLeavesTheConsoleOut() {
        List<JsonNode> objects = objects(render(null, Map.of("console.enabled", false)));
        for (JsonNode o : objects) {
            assertFalse(component(o).equals("console"), o.path("kind").asText() + " " + name(o));
        }
        JsonNode config = ofKind(objects, "ConfigMap").stream().filter(m -> name(m).equals("prod-tuneops-config"))
                .findFirst().orElseThrow().path("data");
        assertTrue(config.path("TUNEOPS_UPSTREAM_CONSOLE").isMissingNode(), "the gateway gets no address for it");
        assertTrue(egressTo(policy(objects, "gateway"), PORT).isEmpty());
        for (String owner : ChartTest.OWNERS) {
            assertFalse(ingressFrom(policy(objects, owner), ChartTest.PORTS.get(owner)).contains("console"), owner);
        }
        List<JsonNode> external = objects(render(ChartSupport.chartDir().resolve("ci/external-values.yaml"),
                Map.of("console.enabled", false)));
        JsonNode monitor = ofKind(external, "ServiceMonitor").stream().filter(m -> name(m).equals("prod-tuneops")).findFirst().orElseThrow();
        assertFalse(monitor.at("/spec/selector/matchExpressions/0/values").toString().contains("console"));
        JsonNode enabled = ofKind(objects(render(ChartSupport.chartDir().resolve("ci/external-values.yaml"), Map.of())),
                "ServiceMonitor").stream().filter(m -> name(m).equals("prod-tuneops")).findFirst().orElseThrow();
        assertTrue(enabled.at("/spec/selector/matchExpressions/0/values").toString().contains("\"console\""),
                "Prometheus scrapes console-service's /q/metrics");
    }

    @Test
    void helmTestWaitsForTheSignInFormThroughTheGateway() throws IOException {
        String script = InstallChartTest.renderWithTestHooks(null).stream().filter(o -> o.path("kind").asText().equals("Pod"))
                .findFirst().orElseThrow().at("/spec/containers/0/command/2").asText();
        assertTrue(script.contains("\"$GATEWAY/sign-in\"") && script.contains("grep -q 'api_key'"), script);
        assertTrue(script.contains("$GATEWAY/api/cloud/health/ready"), "after the suite's readiness: " + script);
    }

    private static JsonNode find(List<JsonNode> objects, String kind) {
        return InstallChartTest.find(objects, kind, "console")
                .orElseThrow(() -> new AssertionError("no " + kind + " for console-service"));
    }
}
