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
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The install additions of the chart: the backup CronJob, the bundled evaluation servers, the
 * `helm test` hook and the NetworkPolicies of their edges.
 */
class InstallChartTest {

    static final Path EVAL = ChartSupport.chartDir().resolve("ci/eval-values.yaml");
    static final Set<String> SERVICES = ChartTest.PORTS.keySet();
    /** The services that keep data in PostgreSQL and Redis. */
    static final Set<String> STATEFUL = SERVICES.stream().filter(s -> !ChartTest.WITHOUT_STORES.contains(s))
            .collect(Collectors.toSet());

    static Stream<Path> scenarios() {
        return ChartTest.scenarios();
    }

    static List<JsonNode> renderScenario(Path values) {
        return objects(render(values, Map.of()));
    }

    static String component(JsonNode o) {
        return o.at("/metadata/labels/app.kubernetes.io~1component").asText();
    }

    static Optional<JsonNode> find(List<JsonNode> objects, String kind, String component) {
        return ofKind(objects, kind).stream().filter(o -> component.equals(component(o))).findFirst();
    }

    static JsonNode policy(List<JsonNode> objects, String component) {
        return find(objects, "NetworkPolicy", component)
                .orElseThrow(() -> new AssertionError("no NetworkPolicy for " + component));
    }

    @ParameterizedTest(name = "the backup CronJob is hardened and runs deploy/backup/backup.sh with {0}")
    @MethodSource("scenarios")
    void backupCronJobIsHardened(Path values) throws IOException {
        List<JsonNode> objects = renderScenario(values);
        JsonNode cron = find(objects, "CronJob", "backup").orElseThrow(() -> new AssertionError("no backup CronJob"));
        assertEquals("Forbid", cron.at("/spec/concurrencyPolicy").asText());
        JsonNode pod = cron.at("/spec/jobTemplate/spec/template/spec");
        assertHardenedPod(name(cron), pod);
        JsonNode c = pod.at("/containers/0");
        assertTrue(c.path("image").asText().matches("docker\\.io/library/postgres:16(\\.\\d+)?-alpine"), c.path("image").asText());
        List<String> command = new ArrayList<>();
        c.path("command").forEach(x -> command.add(x.asText()));
        assertEquals(List.of("bash", "/opt/tuneops/backup/backup.sh", "create", "--dir", "/backups", "--retention-days"),
                command.subList(0, 6));
        assertTrue(command.get(6).matches("\\d+"), "retention days: " + command);

        // the same files an operator runs: deploy/backup/ links to the chart's one copy, which the ConfigMap holds
        JsonNode scripts = ofKind(objects, "ConfigMap").stream().filter(m -> name(m).endsWith("-backup-scripts"))
                .findFirst().orElseThrow();
        Path deploy = ChartSupport.chartDir().resolve("../../deploy/backup").normalize();
        for (String file : List.of("backup.sh", "lib.sh", "restore.sh")) {
            Path chartFile = ChartSupport.chartDir().resolve("files/backup/" + file);
            assertEquals(chartFile.toRealPath(), deploy.resolve(file).toRealPath(), "deploy/backup/" + file + " links to the chart's copy");
            assertEquals(Files.readString(chartFile).stripTrailing(), scripts.at("/data/" + file).asText(), file);
            assertTrue(scripts.at("/data/" + file).asText().startsWith("#"), file);
        }

        Map<String, JsonNode> volumes = volumes(pod);
        Map<String, String> mounts = new HashMap<>();
        c.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        assertTrue(volumes.get(mounts.get("/tmp")).has("emptyDir"), "emptyDir /tmp");
        assertEquals(name(scripts), volumes.get(mounts.get("/opt/tuneops/backup")).at("/configMap/name").asText());
        JsonNode target = volumes.get(mounts.get("/backups"));
        String claim = target.at("/persistentVolumeClaim/claimName").asText();
        JsonNode pvc = ofKind(objects, "PersistentVolumeClaim").stream().filter(p -> name(p).equals(claim)).findFirst()
                .orElseThrow(() -> new AssertionError("backups go to a PVC of the chart: " + target));
        assertEquals("keep", pvc.at("/metadata/annotations/helm.sh~1resource-policy").asText(), "backups outlive the release");

        // the database settings the services use; the password as a mounted file, never a value
        assertTrue(c.at("/envFrom/0/configMapRef/name").asText().endsWith("-config"));
        for (JsonNode e : c.path("env")) {
            assertFalse(e.path("name").asText().equals("TUNEOPS_DB_PASSWORD"), "password in env");
            assertTrue(e.at("/valueFrom/secretKeyRef").isMissingNode(), "secretKeyRef in env");
        }
    }

    @Test
    void backupRetentionAndScheduleComeFromValues() {
        List<JsonNode> objects = objects(render(EVAL, Map.of()));
        JsonNode cron = find(objects, "CronJob", "backup").orElseThrow();
        assertEquals("0 */6 * * *", cron.at("/spec/schedule").asText());
        assertEquals("7", cron.at("/spec/jobTemplate/spec/template/spec/containers/0/command/6").asText());

        List<JsonNode> off = objects(render(null, Map.of("backup.enabled", false)));
        assertTrue(find(off, "CronJob", "backup").isEmpty());
        assertTrue(ofKind(off, "PersistentVolumeClaim").stream().noneMatch(p -> name(p).endsWith("-backup")));
        assertTrue(notes(null, Map.of("backup.enabled", false)).contains("backup.enabled=false: no scheduled database backups"));
        assertEquals("@daily", find(objects(render(null, Map.of("backup.schedule", "@daily"))), "CronJob", "backup")
                .orElseThrow().at("/spec/schedule").asText());
        assertThrows(RuntimeException.class, () -> render(null, Map.of("backup.retentionDays", -1)));
        assertThrows(RuntimeException.class, () -> render(null, Map.of("backup.keepDays", 3)));
    }

    @Test
    void bundledServersAreOffByDefault() {
        for (Path values : scenarios().filter(p -> !p.equals(EVAL)).toList()) {
            List<JsonNode> objects = renderScenario(values);
            assertTrue(ofKind(objects, "StatefulSet").isEmpty(), values + " bundles a server");
            assertTrue(ofKind(objects, "Secret").stream().noneMatch(s -> name(s).endsWith("-bundled")), values.toString());
        }
        List<JsonNode> objects = renderScenario(null);
        assertTrue(ofKind(objects, "StatefulSet").isEmpty());
        String notes = notes(null, Map.of());
        assertFalse(notes.contains("for evaluation only"), "no evaluation warning without bundled servers");
    }

    @Test
    void evalScenarioBundlesPostgresqlAndRedisWiredIntoTheServices() {
        List<JsonNode> objects = renderScenario(EVAL);
        for (String server : List.of("postgresql", "redis")) {
            JsonNode sts = find(objects, "StatefulSet", server).orElseThrow(() -> new AssertionError("no " + server));
            assertEquals(1, sts.at("/spec/replicas").asInt());
            JsonNode pod = sts.at("/spec/template/spec");
            assertHardenedPod(name(sts), pod);
            JsonNode c = pod.at("/containers/0");
            assertFalse(c.path("readinessProbe").isMissingNode(), server + " readiness");
            assertFalse(c.path("livenessProbe").isMissingNode(), server + " liveness");
            assertEquals("data", sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText());
            JsonNode svc = find(objects, "Service", server).orElseThrow();
            assertEquals(name(sts), name(svc));
            assertEquals(server.equals("postgresql") ? 5432 : 6379, svc.at("/spec/ports/0/port").asInt());
        }
        JsonNode postgres = find(objects, "StatefulSet", "postgresql").orElseThrow().at("/spec/template/spec/containers/0");
        Map<String, String> env = new HashMap<>();
        postgres.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertEquals("/var/run/secrets/tuneops/postgres-password", env.get("POSTGRES_PASSWORD_FILE"));
        assertFalse(env.containsKey("POSTGRES_PASSWORD"));

        JsonNode config = ofKind(objects, "ConfigMap").stream().filter(m -> name(m).equals("prod-tuneops-config"))
                .findFirst().orElseThrow().path("data");
        assertEquals("postgresql://prod-tuneops-postgresql:5432/tuneops", config.path("TUNEOPS_DB_URL").asText());
        assertEquals("tuneops", config.path("TUNEOPS_DB_USER").asText());
        assertTrue(config.path("TUNEOPS_REDIS_URL").isMissingNode(), "the Redis URL carries the password: a secret file");

        JsonNode bundled = ofKind(objects, "Secret").stream().filter(s -> name(s).equals("prod-tuneops-bundled"))
                .findFirst().orElseThrow();
        assertEquals("keep", bundled.at("/metadata/annotations/helm.sh~1resource-policy").asText());
        String redisPassword = decode(bundled.at("/data/redis-password").asText());
        assertTrue(redisPassword.length() >= 32);
        assertEquals("redis://:" + redisPassword + "@prod-tuneops-redis:6379/0", decode(bundled.at("/data/redis-url").asText()));
        assertTrue(decode(bundled.at("/data/redis.conf").asText()).startsWith("requirepass " + redisPassword + "\n"));
        assertTrue(decode(bundled.at("/data/postgres-password").asText()).length() >= 32);

        for (JsonNode d : ofKind(objects, "Deployment")) {
            JsonNode pod = d.at("/spec/template/spec");
            Map<String, String> paths = new HashMap<>();
            volumes(pod).get("secrets").at("/projected/sources").forEach(src -> src.at("/secret/items").forEach(
                    i -> paths.put(i.path("path").asText(), src.at("/secret/name").asText() + "/" + i.path("key").asText())));
            if (!STATEFUL.contains(component(d))) {
                assertFalse(paths.containsKey("db-password") || paths.containsKey("redis-url"), name(d) + " keeps no data: " + paths);
                continue;
            }
            assertEquals("prod-tuneops-bundled/postgres-password", paths.get("db-password"), name(d));
            assertEquals("prod-tuneops-bundled/redis-url", paths.get("redis-url"), name(d));
        }
        String rendered = render(EVAL, Map.of());
        assertFalse(rendered.contains(redisPassword), "passwords only base64 in the Secret");
        String notes = notes(EVAL, Map.of());
        assertTrue(notes.contains("postgresql.enabled=true: the bundled single-node PostgreSQL is for evaluation only"), notes);
        assertTrue(notes.contains("redis.enabled=true: the bundled single-node Redis is for evaluation only"), notes);
        assertFalse(notes.contains("PostgreSQL without sslmode"), "not about the bundled server");
    }

    @Test
    void bundledPasswordsAreKeptAcrossUpgrades() {
        FakeKubeApi.putSecret(ChartSupport.NAMESPACE, "prod-tuneops-bundled",
                Map.of("postgres-password", "live-pg", "redis-password", "live-redis"));
        try {
            JsonNode bundled = ofKind(renderScenario(EVAL), "Secret").stream()
                    .filter(s -> name(s).equals("prod-tuneops-bundled")).findFirst().orElseThrow();
            assertEquals("live-pg", decode(bundled.at("/data/postgres-password").asText()));
            assertEquals("redis://:live-redis@prod-tuneops-redis:6379/0", decode(bundled.at("/data/redis-url").asText()));
        } finally {
            FakeKubeApi.clear();
        }
    }

    @Test
    void networkPoliciesCoverTheNewEdges() {
        List<JsonNode> objects = renderScenario(EVAL);
        // services -> bundled PostgreSQL and Redis, by pod selector
        for (String service : STATEFUL) {
            JsonNode p = policy(objects, service);
            assertTrue(egressTo(p, 5432).contains("postgresql"), service + " -> postgresql: " + p.at("/spec/egress"));
            assertTrue(egressTo(p, 6379).contains("redis"), service + " -> redis");
        }
        for (String service : ChartTest.WITHOUT_STORES) {
            JsonNode p = policy(objects, service);
            assertTrue(egressTo(p, 5432).isEmpty() && egressTo(p, 6379).isEmpty(), service + " keeps no data: " + p.at("/spec/egress"));
        }
        // bundled servers accept the services that use them (and PostgreSQL the backup job) only, and call nobody
        Set<String> expectedPg = new HashSet<>(STATEFUL);
        expectedPg.add("backup");
        assertEquals(expectedPg, ingressFrom(policy(objects, "postgresql"), 5432));
        assertEquals(STATEFUL, ingressFrom(policy(objects, "redis"), 6379));
        for (String server : List.of("postgresql", "redis")) {
            JsonNode p = policy(objects, server);
            assertTrue(p.at("/spec/egress").isMissingNode(), server + " has no egress");
            assertTrue(p.at("/spec/policyTypes").toString().contains("Egress"));
        }
        // backup -> PostgreSQL and DNS only
        JsonNode backup = policy(objects, "backup");
        assertTrue(backup.at("/spec/ingress").isMissingNode(), "nothing connects to the backup job");
        assertEquals(Set.of("postgresql"), egressTo(backup, 5432));
        Set<Integer> backupPorts = new HashSet<>();
        backup.at("/spec/egress").forEach(r -> r.path("ports").forEach(x -> backupPorts.add(x.path("port").asInt())));
        assertEquals(Set.of(53, 5432), backupPorts);
        // helm test -> gateway, and the gateway admits it even when gatewayFrom narrows its sources
        JsonNode test = policy(objects, "test");
        assertEquals(Set.of("gateway"), egressTo(test, 8080));
        List<JsonNode> ha = renderScenario(ChartSupport.chartDir().resolve("ci/ha-values.yaml"));
        assertTrue(ingressFrom(policy(ha, "gateway"), 8080).contains("test"), "gateway admits helm test's pod");
    }

    @Test
    void externalServersKeepTheirConfiguredPeers() {
        List<JsonNode> objects = renderScenario(ChartSupport.chartDir().resolve("ci/external-values.yaml"));
        JsonNode webhook = policy(objects, "webhook");
        boolean pg = false;
        boolean redis = false;
        for (JsonNode rule : webhook.at("/spec/egress")) {
            int port = rule.at("/ports/0/port").asInt();
            String cidr = rule.at("/to/0/ipBlock/cidr").asText();
            pg |= port == 5432 && cidr.equals("10.20.0.0/16");
            redis |= port == 6380 && cidr.equals("10.21.0.0/16");
        }
        assertTrue(pg && redis, "databaseTo/redisTo with the external ports: " + webhook.at("/spec/egress"));
        JsonNode backup = policy(objects, "backup");
        assertEquals("10.20.0.0/16", backup.at("/spec/egress/1/to/0/ipBlock/cidr").asText());
    }

    /**
     * helm-java's template returns the release manifest only, without hooks (the helm CLI appends
     * them). To see the test hook rendered, render a copy of the chart whose templates/tests.yaml
     * differs only in the annotation key (x-helm.sh/hook), so Helm does not set the Pod aside.
     */
    static List<JsonNode> renderWithTestHooks(Path values) throws IOException {
        Path copy = Files.createTempDirectory("tuneops-hooks-").resolve("tuneops");
        ChartSupport.copyTree(ChartSupport.chartDir(), copy);
        Path tests = copy.resolve("templates/tests.yaml");
        String original = Files.readString(tests);
        assertTrue(original.contains("\n    helm.sh/hook: test\n"), "templates/tests.yaml is a test hook");
        Files.writeString(tests, original.replace("\n    helm.sh/hook", "\n    x-helm.sh/hook"));
        FakeKubeApi.start();
        var template = new Helm(copy).template().withName(ChartSupport.RELEASE).withNamespace(ChartSupport.NAMESPACE)
                .withKubeVersion(ChartSupport.KUBE_VERSION);
        if (values != null) {
            template = template.withValuesFile(values);
        }
        return objects(template.call());
    }

    @ParameterizedTest(name = "helm test hook checks readiness through the gateway with {0}")
    @MethodSource("scenarios")
    void helmTestHookChecksReadinessThroughTheGateway(Path values) throws IOException {
        assertTrue(ofKind(renderScenario(values), "Pod").isEmpty(), "the test Pod is a hook, not part of the release");
        List<JsonNode> hooks = ofKind(renderWithTestHooks(values), "Pod");
        assertEquals(1, hooks.size());
        JsonNode pod = hooks.get(0);
        assertEquals("test", pod.at("/metadata/annotations/x-helm.sh~1hook").asText());
        assertTrue(pod.at("/metadata/annotations/x-helm.sh~1hook-delete-policy").asText().contains("before-hook-creation"));
        assertEquals("Never", pod.at("/spec/restartPolicy").asText());
        assertHardenedPod(name(pod), pod.path("spec"));
        JsonNode c = pod.at("/spec/containers/0");
        String script = c.at("/command/2").asText();
        assertTrue(script.contains("$GATEWAY/api/cloud/health/ready"), script);
        assertTrue(script.contains("$GATEWAY/api/cloud/providers") && script.contains(" 401"), script);
        Map<String, String> env = new HashMap<>();
        c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        assertEquals("http://prod-tuneops-gateway:8080", env.get("GATEWAY"));
    }

    @Test
    void noSecretValueIsInlinedAnywhere() {
        // whatever a scenario sets, a rendered object carries a secret only base64 in a Secret's data
        for (Path values : scenarios().toList()) {
            for (JsonNode o : renderScenario(values)) {
                if (o.path("kind").asText().equals("Secret")) {
                    assertTrue(o.path("stringData").isMissingNode(), name(o) + " stringData");
                    continue;
                }
                List<JsonNode> containers = new ArrayList<>();
                collectContainers(o, containers);
                for (JsonNode c : containers) {
                    for (JsonNode e : c.path("env")) {
                        String n = e.path("name").asText();
                        assertFalse(n.matches(".*(PASSWORD|TOKEN|SECRET|_KEY|REDIS_URL)$") && e.has("value"),
                                name(o) + " sets " + n + " to a value");
                        assertTrue(e.at("/valueFrom/secretKeyRef").isMissingNode(), name(o) + " " + n + " from secretKeyRef");
                    }
                }
            }
        }
    }

    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if ((f.getKey().equals("containers") || f.getKey().equals("initContainers")) && f.getValue().isArray()) {
                    f.getValue().forEach(out::add);
                } else {
                    collectContainers(f.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectContainers(n, out));
        }
    }

    /** Pod and container hardening as ChartTest asks of the Deployments. */
    static void assertHardenedPod(String where, JsonNode pod) {
        assertEquals("false", pod.path("automountServiceAccountToken").asText(), where + " service account token");
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), where + " runAsNonRoot");
        assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText(), where);
        Map<String, JsonNode> volumes = volumes(pod);
        for (JsonNode c : pod.path("containers")) {
            String w = where + "/" + c.path("name").asText();
            JsonNode sc = c.path("securityContext");
            assertTrue(sc.path("runAsNonRoot").asBoolean(), w + " runAsNonRoot");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), w + " readOnlyRootFilesystem");
            assertEquals("false", sc.path("allowPrivilegeEscalation").asText(), w + " allowPrivilegeEscalation");
            assertFalse(sc.path("privileged").asBoolean(), w);
            assertEquals("ALL", sc.at("/capabilities/drop/0").asText(), w + " capabilities.drop");
            assertEquals("RuntimeDefault", sc.at("/seccompProfile/type").asText(), w + " seccomp");
            assertFalse(c.at("/resources/requests/memory").asText().isEmpty(), w + " memory request");
            assertFalse(c.at("/resources/limits/memory").asText().isEmpty(), w + " memory limit");
            boolean tmp = false;
            for (JsonNode m : c.path("volumeMounts")) {
                if (m.path("mountPath").asText().equals("/tmp")) {
                    tmp = volumes.get(m.path("name").asText()).has("emptyDir");
                }
            }
            assertTrue(tmp, w + " mounts an emptyDir at /tmp");
        }
    }

    static Map<String, JsonNode> volumes(JsonNode pod) {
        Map<String, JsonNode> volumes = new HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        return volumes;
    }

    /** Components the policy's egress rules on this port lead to, by pod selector. */
    static Set<String> egressTo(JsonNode policy, int port) {
        return peers(policy.at("/spec/egress"), "to", port);
    }

    static Set<String> ingressFrom(JsonNode policy, int port) {
        return peers(policy.at("/spec/ingress"), "from", port);
    }

    private static Set<String> peers(JsonNode rules, String field, int port) {
        Set<String> out = new HashSet<>();
        for (JsonNode rule : rules) {
            boolean onPort = false;
            for (JsonNode p : rule.path("ports")) {
                onPort |= p.path("port").asInt() == port;
            }
            if (onPort) {
                rule.path(field).forEach(peer -> {
                    String c = peer.at("/podSelector/matchLabels/app.kubernetes.io~1component").asText();
                    if (!c.isEmpty()) {
                        out.add(c);
                    }
                });
            }
        }
        return out;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** NOTES.txt as `helm install --dry-run` prints it (helm template leaves NOTES out). */
    static String notes(Path values, Map<String, Object> set) {
        FakeKubeApi.start();
        InstallCommand install = new Helm(ChartSupport.chartDir()).install()
                .withName(ChartSupport.RELEASE)
                .withNamespace(ChartSupport.NAMESPACE)
                .withKubeVersion(ChartSupport.KUBE_VERSION)
                .dryRun()
                .clientOnly();
        if (values != null) {
            install = install.withValuesFile(values);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            install = install.set(e.getKey(), e.getValue());
        }
        String output = install.call().getOutput();
        assertNotNull(output);
        assertTrue(output.contains("is installed as release"), output);
        return output;
    }
}
