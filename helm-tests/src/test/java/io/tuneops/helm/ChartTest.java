package io.tuneops.helm;

import static io.tuneops.helm.ChartSupport.name;
import static io.tuneops.helm.ChartSupport.objects;
import static io.tuneops.helm.ChartSupport.ofKind;
import static io.tuneops.helm.ChartSupport.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChartTest {

    static final Map<String, Integer> PORTS = Map.of("gateway", 8080, "webhook", 8081, "storage", 8082,
            "metrics", 8083, "audit", 8084, "console", 8085);

    /** The services that own API routes; console-service pages them for the browser. */
    static final Set<String> OWNERS = Set.of("webhook", "storage", "metrics", "audit");

    /** console-service keeps no data: no PostgreSQL or Redis credentials, no route to them. */
    static final Set<String> WITHOUT_STORES = Set.of("console");

    static final Set<String> SECRET_VARS = Set.of("TUNEOPS_ADMIN_TOKEN", "TUNEOPS_API_KEY_SECRET",
            "TUNEOPS_INTERNAL_SECRET", "TUNEOPS_ENCRYPTION_KEY", "TUNEOPS_AUDIT_CHECKPOINT_KEY",
            "TUNEOPS_DB_PASSWORD", "TUNEOPS_MONITORING_TOKEN", "REPLICATE_API_TOKEN", "TUNEOPS_REDIS_URL");

    static final String SECRET_DIR = "/var/run/secrets/tuneops/";

    static Stream<Path> scenarios() {
        List<Path> files = ChartSupport.ciValuesFiles();
        assertTrue(files.size() >= 3, "ci/*-values.yaml scenarios: " + files);
        return files.stream();
    }

    static List<JsonNode> renderScenario(Path values) {
        return objects(render(values, Map.of()));
    }

    @ParameterizedTest(name = "helm lint --strict with {0}")
    @MethodSource("scenarios")
    void lintStrictPasses(Path values) throws Exception {
        LintResult result = ChartSupport.lintStrict(values);
        assertFalse(result.isFailed(), () -> "lint failed: " + String.join("\n", result.getMessages()));
    }

    @Test
    void lintStrictPassesWithChartDefaults() throws Exception {
        LintResult result = ChartSupport.lintStrict(null);
        assertFalse(result.isFailed(), () -> "lint failed: " + String.join("\n", result.getMessages()));
    }

    @ParameterizedTest(name = "renders every service with {0}")
    @MethodSource("scenarios")
    void rendersEveryService(Path values) {
        List<JsonNode> objects = renderScenario(values);
        Set<String> deployments = new HashSet<>();
        for (JsonNode d : ofKind(objects, "Deployment")) {
            deployments.add(d.at("/metadata/labels/app.kubernetes.io~1component").asText());
        }
        assertEquals(PORTS.keySet(), deployments);
        // the services' Services (the eval scenario adds the bundled servers', InstallChartTest checks those)
        List<JsonNode> services = ofKind(objects, "Service").stream()
                .filter(s -> PORTS.containsKey(s.at("/metadata/labels/app.kubernetes.io~1component").asText())).toList();
        for (JsonNode s : services) {
            String component = s.at("/metadata/labels/app.kubernetes.io~1component").asText();
            assertEquals(PORTS.get(component), s.at("/spec/ports/0/port").asInt(), name(s));
            assertEquals(component, s.at("/spec/selector/app.kubernetes.io~1component").asText(), name(s));
        }
        assertEquals(PORTS.size(), services.size());
        for (JsonNode o : objects) {
            JsonNode labels = o.at("/metadata/labels");
            for (String label : List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
                    "app.kubernetes.io/managed-by", "app.kubernetes.io/version", "helm.sh/chart")) {
                assertTrue(labels.has(label), o.path("kind").asText() + " " + name(o) + " lacks " + label);
            }
        }
    }

    @ParameterizedTest(name = "every Deployment is hardened and probed with {0}")
    @MethodSource("scenarios")
    void deploymentsAreHardened(Path values) {
        for (JsonNode d : ofKind(renderScenario(values), "Deployment")) {
            String n = name(d);
            JsonNode pod = d.at("/spec/template/spec");
            assertEquals("false", pod.path("automountServiceAccountToken").asText(), n);
            assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), n);
            assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), n);
            assertTrue(pod.path("topologySpreadConstraints").size() > 0, n + " topologySpreadConstraints");
            assertTrue(d.at("/spec/template/metadata/annotations/checksum~1config").asText().matches("[0-9a-f]{64}"),
                    n + " checksum/config");
            Map<String, JsonNode> volumes = new HashMap<>();
            pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
            List<JsonNode> containers = new ArrayList<>();
            pod.path("containers").forEach(containers::add);
            pod.path("initContainers").forEach(containers::add);
            assertFalse(containers.isEmpty(), n);
            for (JsonNode c : containers) {
                String where = n + "/" + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                assertTrue(sc.path("runAsNonRoot").asBoolean(), where + " runAsNonRoot");
                assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), where + " readOnlyRootFilesystem");
                assertEquals("false", sc.path("allowPrivilegeEscalation").asText(), where + " allowPrivilegeEscalation");
                assertFalse(sc.path("privileged").asBoolean(), where + " privileged");
                assertEquals("ALL", sc.at("/capabilities/drop/0").asText(), where + " capabilities.drop");
                assertTrue(sc.at("/capabilities/add").isMissingNode() || sc.at("/capabilities/add").isEmpty(), where);
                assertEquals("RuntimeDefault", sc.at("/seccompProfile/type").asText(), where + " seccomp");

                boolean tmp = false;
                for (JsonNode m : c.path("volumeMounts")) {
                    if ("/tmp".equals(m.path("mountPath").asText())) {
                        tmp = volumes.get(m.path("name").asText()).has("emptyDir");
                    }
                }
                assertTrue(tmp, where + " mounts an emptyDir at /tmp");

                assertEquals("/q/health/started", c.at("/startupProbe/httpGet/path").asText(), where);
                assertEquals("/q/health/live", c.at("/livenessProbe/httpGet/path").asText(), where);
                assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText(), where);
                // readiness answers within TUNEOPS_READINESS_TIMEOUT (1 s) even while a store does not answer
                assertEquals(2, c.at("/readinessProbe/timeoutSeconds").asInt(), where + " readiness timeout");
                assertFalse(c.at("/resources/requests/cpu").asText().isEmpty(), where + " cpu request");
                assertFalse(c.at("/resources/requests/memory").asText().isEmpty(), where + " memory request");
                assertFalse(c.at("/resources/limits/memory").asText().isEmpty(), where + " memory limit");
            }
        }
    }

    @ParameterizedTest(name = "secrets are mounted files, never env values, with {0}")
    @MethodSource("scenarios")
    void secretsAreMountedNotInlined(Path values) {
        List<JsonNode> objects = renderScenario(values);
        Map<String, Set<String>> secretFilesByComponent = new HashMap<>();
        for (JsonNode d : ofKind(objects, "Deployment")) {
            String component = d.at("/metadata/labels/app.kubernetes.io~1component").asText();
            JsonNode pod = d.at("/spec/template/spec");
            JsonNode c = pod.at("/containers/0");
            Set<String> files = new HashSet<>();
            for (JsonNode e : c.path("env")) {
                String var = e.path("name").asText();
                assertFalse(SECRET_VARS.contains(var), name(d) + " passes " + var + " in env");
                assertTrue(e.at("/valueFrom/secretKeyRef").isMissingNode(), name(d) + " " + var + " from secretKeyRef");
                if (var.endsWith("_FILE") && SECRET_VARS.contains(var.substring(0, var.length() - 5))) {
                    String file = e.path("value").asText();
                    assertTrue(file.startsWith(SECRET_DIR), name(d) + " " + var + "=" + file);
                    files.add(file.substring(SECRET_DIR.length()));
                }
            }
            for (JsonNode from : c.path("envFrom")) {
                assertTrue(from.path("secretRef").isMissingNode(), name(d) + " envFrom a Secret");
            }
            boolean mounted = false;
            for (JsonNode m : c.path("volumeMounts")) {
                if (SECRET_DIR.equals(m.path("mountPath").asText() + "/")) {
                    mounted = m.path("readOnly").asBoolean();
                    JsonNode volume = null;
                    for (JsonNode v : pod.path("volumes")) {
                        if (v.path("name").asText().equals(m.path("name").asText())) {
                            volume = v;
                        }
                    }
                    assertNotNull(volume, name(d));
                    Set<String> paths = new HashSet<>();
                    volume.at("/projected/sources").forEach(s -> s.at("/secret/items").forEach(
                            i -> paths.add(i.path("path").asText())));
                    assertEquals(files, paths, name(d) + ": every *_FILE has its file and nothing more is mounted");
                }
            }
            assertTrue(mounted, name(d) + " mounts " + SECRET_DIR + " read-only");
            assertTrue(files.contains("internal-secret"), name(d) + " reads the internal secret");
            secretFilesByComponent.put(component, files);
        }
        assertTrue(secretFilesByComponent.get("gateway").containsAll(Set.of("admin-token", "api-key-secret")));
        assertTrue(secretFilesByComponent.get("webhook").contains("encryption-key"));
        assertTrue(secretFilesByComponent.get("audit").contains("audit-checkpoint-key"));
        assertFalse(secretFilesByComponent.get("storage").contains("admin-token"), "least privilege");
        assertEquals(Set.of("internal-secret"), secretFilesByComponent.get("console"),
                "console-service calls the owners with the internal secret and needs no other");
        for (JsonNode cm : ofKind(objects, "ConfigMap")) {
            cm.path("data").fields().forEachRemaining(e -> assertFalse(SECRET_VARS.contains(e.getKey())
                    // a Redis URL without credentials is not a secret
                    && !(e.getKey().equals("TUNEOPS_REDIS_URL") && !e.getValue().asText().contains("@")),
                    name(cm) + " holds " + e.getKey()));
        }
    }

    @Test
    void defaultsGenerateSecretsOnceAndKeepThem() {
        List<JsonNode> objects = renderScenario(null);
        JsonNode secret = ofKind(objects, "Secret").stream()
                .filter(s -> name(s).equals("prod-tuneops-secrets")).findFirst().orElseThrow();
        assertEquals("keep", secret.at("/metadata/annotations/helm.sh~1resource-policy").asText());
        for (String key : List.of("admin-token", "api-key-secret", "internal-secret", "encryption-key",
                "audit-checkpoint-key")) {
            assertTrue(secret.at("/data/" + key).asText().length() >= 48, key);
        }
    }

    @Test
    void upgradeKeepsTheLiveSecretValues() {
        Map<String, String> live = Map.of("admin-token", "live-admin", "api-key-secret", "live-hmac",
                "internal-secret", "live-internal", "encryption-key", "live-encryption",
                "audit-checkpoint-key", "live-checkpoint");
        FakeKubeApi.putSecret(ChartSupport.NAMESPACE, "prod-tuneops-secrets", live);
        try {
            JsonNode secret = ofKind(renderScenario(null), "Secret").stream()
                    .filter(s -> name(s).equals("prod-tuneops-secrets")).findFirst().orElseThrow();
            for (Map.Entry<String, String> e : live.entrySet()) {
                assertEquals(e.getValue(), new String(java.util.Base64.getDecoder()
                        .decode(secret.at("/data/" + e.getKey()).asText())), e.getKey());
            }
        } finally {
            FakeKubeApi.clear();
        }
    }

    @Test
    void existingSecretsAreUsedAndNothingIsGenerated() {
        List<JsonNode> objects = renderScenario(ChartSupport.chartDir().resolve("ci/external-values.yaml"));
        assertTrue(ofKind(objects, "Secret").isEmpty(), "no chart Secret when every secret exists");
        Set<String> referenced = new HashSet<>();
        for (JsonNode d : ofKind(objects, "Deployment")) {
            d.at("/spec/template/spec/volumes").forEach(v -> v.at("/projected/sources")
                    .forEach(s -> referenced.add(s.at("/secret/name").asText())));
        }
        assertEquals(Set.of("tuneops-app-secrets", "tuneops-db", "tuneops-redis", "tuneops-replicate"), referenced);
        JsonNode config = ofKind(objects, "ConfigMap").get(0).path("data");
        assertEquals("postgresql://tuneops-db.cluster-abc123.eu-west-1.rds.amazonaws.com:5432/tuneops?sslmode=verify-full",
                config.path("TUNEOPS_DB_URL").asText());
        assertEquals("tuneops_app", config.path("TUNEOPS_DB_USER").asText());
        assertEquals(2, ofKind(objects, "ServiceMonitor").size());
        for (JsonNode sm : ofKind(objects, "ServiceMonitor")) {
            assertEquals("kube-prometheus-stack", sm.at("/metadata/labels/release").asText());
            assertEquals("monitoring-token", sm.at("/spec/endpoints/0/bearerTokenSecret/key").asText());
        }
    }

    @Test
    void configPointsServicesAtEachOther() {
        List<JsonNode> objects = renderScenario(null);
        JsonNode config = ofKind(objects, "ConfigMap").get(0).path("data");
        assertEquals("http://prod-tuneops-webhook:8081", config.path("TUNEOPS_UPSTREAM_WEBHOOK").asText());
        assertEquals("http://prod-tuneops-storage:8082", config.path("TUNEOPS_UPSTREAM_STORAGE").asText());
        assertEquals("http://prod-tuneops-metrics:8083", config.path("TUNEOPS_UPSTREAM_METRICS").asText());
        assertEquals("http://prod-tuneops-audit:8084", config.path("TUNEOPS_UPSTREAM_AUDIT").asText());
        assertEquals("http://prod-tuneops-gateway:8080", config.path("TUNEOPS_UPSTREAM_GATEWAY").asText());
        assertEquals("http://prod-tuneops-console:8085", config.path("TUNEOPS_UPSTREAM_CONSOLE").asText());
        assertEquals("redis://redis:6379/0", config.path("TUNEOPS_REDIS_URL").asText());
        assertEquals("postgresql://postgresql:5432/tuneops", config.path("TUNEOPS_DB_URL").asText());
        assertFalse(config.path("TUNEOPS_PUBLIC_URL").asText().isEmpty());

        JsonNode storage = ofKind(objects, "Deployment").stream()
                .filter(d -> name(d).equals("prod-tuneops-storage")).findFirst().orElseThrow();
        String outputPath = envValue(storage, "TUNEOPS_STORAGE_OUTPUT_PATH");
        assertNotNull(outputPath);
        boolean mounted = false;
        for (JsonNode m : storage.at("/spec/template/spec/containers/0/volumeMounts")) {
            mounted |= m.path("mountPath").asText().equals(outputPath) && m.path("name").asText().equals("outputs");
        }
        assertTrue(mounted, "the outputs volume is mounted at TUNEOPS_STORAGE_OUTPUT_PATH");
        assertEquals(1, ofKind(objects, "PersistentVolumeClaim").stream().filter(p -> name(p).endsWith("-outputs")).count());
        assertEquals("Recreate", storage.at("/spec/strategy/type").asText(), "ReadWriteOnce volume");
    }

    @Test
    void theGatewaysYoungGenerationFitsPerRequestGarbageAndItsHeapFitsTheLimit() {
        JsonNode gateway = ofKind(renderScenario(null), "Deployment").stream()
                .filter(d -> name(d).equals("prod-tuneops-gateway")).findFirst().orElseThrow();
        String javaOpts = envValue(gateway, "JAVA_TOOL_OPTIONS");
        assertNotNull(javaOpts);
        // without -Xmn the young generation is a third of a heap that starts at 8 MB: a collection
        // every few hundred requests
        assertTrue(javaOpts.contains("-Xmn64m"), javaOpts);
        assertTrue(javaOpts.contains("-XX:MaxRAMPercentage=75"), javaOpts);
        assertEquals("512Mi", gateway.at("/spec/template/spec/containers/0/resources/limits/memory").asText(),
                "64 MB of young generation inside a 384 MB heap");
    }

    /** The value of the Deployment's first container's environment variable, or null. */
    private static String envValue(JsonNode deployment, String variable) {
        for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
            if (e.path("name").asText().equals(variable)) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    @ParameterizedTest(name = "NetworkPolicies cover every edge with {0}")
    @MethodSource("scenarios")
    void networkPoliciesExist(Path values) {
        List<JsonNode> policies = ofKind(renderScenario(values), "NetworkPolicy");
        JsonNode deny = policies.stream().filter(p -> name(p).endsWith("-default-deny")).findFirst().orElseThrow();
        assertTrue(deny.at("/spec/ingress").isMissingNode() && deny.at("/spec/egress").isMissingNode());
        assertEquals(List.of("Ingress", "Egress"), List.of(deny.at("/spec/policyTypes/0").asText(),
                deny.at("/spec/policyTypes/1").asText()));
        for (String component : PORTS.keySet()) {
            JsonNode p = policies.stream().filter(x -> name(x).equals("prod-tuneops-" + component)).findFirst()
                    .orElseThrow(() -> new AssertionError("no NetworkPolicy for " + component));
            assertEquals(component, p.at("/spec/podSelector/matchLabels/app.kubernetes.io~1component").asText());
            Set<String> egressPorts = new HashSet<>();
            p.at("/spec/egress").forEach(r -> r.path("ports").forEach(x -> egressPorts.add(x.path("port").asText())));
            assertTrue(egressPorts.containsAll(Set.of("53", "5432")) || egressPorts.contains("53"), component);
            if (!component.equals("gateway")) {
                // only the gateway, metrics-service and the configured scrapers may connect; console-service to the
                // owners; storage- and audit-service relay their notification outboxes to webhook-service
                Set<String> admitted = component.equals("console") ? Set.of("gateway")
                        : component.equals("webhook") ? Set.of("gateway", "metrics", "console", "storage", "audit")
                        : Set.of("gateway", "metrics", "console");
                for (JsonNode rule : p.at("/spec/ingress")) {
                    assertTrue(rule.has("from") && rule.path("from").size() > 0,
                            component + ": an ingress rule without sources admits everyone");
                    for (JsonNode from : rule.path("from")) {
                        String peer = from.at("/podSelector/matchLabels/app.kubernetes.io~1component").asText();
                        if (!from.has("namespaceSelector")) {
                            assertTrue(admitted.contains(peer), component + " admits " + from);
                        }
                    }
                }
            }
        }
        JsonNode gateway = policies.stream().filter(x -> name(x).equals("prod-tuneops-gateway")).findFirst().orElseThrow();
        Set<String> gatewayEgress = new HashSet<>();
        gateway.at("/spec/egress").forEach(r -> r.path("ports").forEach(x -> gatewayEgress.add(x.path("port").asText())));
        assertTrue(gatewayEgress.containsAll(Set.of("8081", "8082", "8083", "8084")), "gateway -> services");
        assertTrue(gatewayEgress.contains("8085"), "gateway -> console-service");
        for (String relay : List.of("storage", "audit")) {
            JsonNode p = policies.stream().filter(x -> name(x).equals("prod-tuneops-" + relay)).findFirst().orElseThrow();
            Set<String> egress = new HashSet<>();
            p.at("/spec/egress").forEach(r -> r.path("ports").forEach(x -> egress.add(x.path("port").asText())));
            assertTrue(egress.contains("8081"), relay + " -> webhook-service (notification outbox relay)");
        }
    }

    @Test
    void schemaRejectsUnknownTopLevelKey() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> render(null, Map.of("replicas", 3)));
        assertTrue(e.getMessage().contains("replicas"), e.getMessage());
    }

    @Test
    void schemaRejectsUnknownNestedKey() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> render(null, Map.of("gateway.replicas", 3)));
        assertTrue(e.getMessage().contains("replicas"), e.getMessage());
    }

    @Test
    void schemaRejectsWrongType() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> render(null, Map.of("gateway.replicaCount", "three")));
        assertTrue(e.getMessage().contains("replicaCount"), e.getMessage());
        assertThrows(RuntimeException.class, () -> render(null, Map.of("networkPolicy.enabled", "yes-please")));
    }

    @Test
    void secretsInPlainEnvAreRefused() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> render(null, Map.of("gateway.env.TUNEOPS_ADMIN_TOKEN", "hunter2")));
        assertTrue(e.getMessage().contains("existingSecret"), e.getMessage());
    }

    @Test
    void severalStorageReplicasNeedSharedVolume() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> render(null, Map.of("storage.replicaCount", 2)));
        assertTrue(e.getMessage().contains("ReadWriteMany"), e.getMessage());
    }

    @Test
    void haScenarioScalesAndExposes() {
        List<JsonNode> objects = renderScenario(ChartSupport.chartDir().resolve("ci/ha-values.yaml"));
        assertEquals(2, ofKind(objects, "HorizontalPodAutoscaler").size());
        assertEquals(PORTS.size(), ofKind(objects, "PodDisruptionBudget").size());
        JsonNode ingress = ofKind(objects, "Ingress").get(0);
        assertEquals("prod-tuneops-gateway", ingress.at("/spec/rules/0/http/paths/0/backend/service/name").asText());
        assertEquals("tuneops-tls", ingress.at("/spec/tls/0/secretName").asText());
        for (JsonNode d : ofKind(objects, "Deployment")) {
            String component = d.at("/metadata/labels/app.kubernetes.io~1component").asText();
            if (component.equals("gateway") || component.equals("webhook")) {
                assertTrue(d.at("/spec/replicas").isMissingNode(), name(d) + ": the HPA owns replicas");
            }
        }
        assertEquals("ReadWriteMany", ofKind(objects, "PersistentVolumeClaim").stream().filter(p -> name(p).endsWith("-outputs"))
                .findFirst().orElseThrow().at("/spec/accessModes/0").asText());
    }

    @Test
    void inlinePasswordsGoToAChartSecretNotTheConfig() {
        List<JsonNode> objects = objects(render(null, Map.of("externalDatabase.password", "pg-pass",
                "externalRedis.password", "r/p@ss")));
        JsonNode connections = ofKind(objects, "Secret").stream()
                .filter(s -> name(s).equals("prod-tuneops-connections")).findFirst().orElseThrow();
        assertEquals("pg-pass", decode(connections.at("/data/db-password").asText()));
        assertEquals("redis://:r%2Fp%40ss@redis:6379/0", decode(connections.at("/data/redis-url").asText()));
        JsonNode config = ofKind(objects, "ConfigMap").get(0).path("data");
        assertTrue(config.path("TUNEOPS_REDIS_URL").isMissingNode(), "the URL with a password is a secret");
        for (JsonNode d : ofKind(objects, "Deployment")) {
            Set<String> vars = new HashSet<>();
            d.at("/spec/template/spec/containers/0/env").forEach(e -> vars.add(e.path("name").asText()));
            if (WITHOUT_STORES.contains(d.at("/metadata/labels/app.kubernetes.io~1component").asText())) {
                assertFalse(vars.contains("TUNEOPS_DB_PASSWORD_FILE") || vars.contains("TUNEOPS_REDIS_URL_FILE"), name(d) + ": " + vars);
                continue;
            }
            assertTrue(vars.containsAll(Set.of("TUNEOPS_DB_PASSWORD_FILE", "TUNEOPS_REDIS_URL_FILE")), name(d));
        }
        String rendered = render(null, Map.of("externalDatabase.password", "pg-pass"));
        assertFalse(rendered.contains("pg-pass"), "only base64 in the Secret");
    }

    private static String decode(String base64) {
        return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
    }
}
