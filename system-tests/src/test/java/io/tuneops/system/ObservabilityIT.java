package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.standardwebhooks.Webhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboards and Prometheus rules (helm/tuneops/files, the one copy the chart and
 * deploy/observability use) against what the running suite exports: traffic goes through the
 * gateway, every service's /q/metrics and the guide's export are captured (written to
 * target/observability/capture for inspection), and every metric name in every dashboard panel,
 * dashboard variable and rule expression must be exported by one of them. The only exceptions are
 * {@link #EXTERNAL}, named with the component that exports them. The rules also pass
 * {@code promtool check rules} and a {@code promtool test rules} unit test of five alerts.
 */
@ExtendWith(Suite.Extension.class)
class ObservabilityIT {

    /** Metric names not ours, allowed in expressions: who exports each. Everything else must be in the capture. */
    static final Map<String, String> EXTERNAL = Map.of(
            "up", "Prometheus itself, one series per scrape target",
            "kube_cronjob_status_last_successful_time", "kube-state-metrics (backup CronJob)",
            "kube_cronjob_status_last_schedule_time", "kube-state-metrics (backup CronJob)",
            "kube_cronjob_next_schedule_time", "kube-state-metrics (backup CronJob)");

    private static final Path ROOT = Path.of(System.getProperty("tuneops.root", "..")).toAbsolutePath().normalize();
    private static final Path FILES = ROOT.resolve("helm/tuneops/files");
    private static final Path RULES = FILES.resolve("prometheus/tuneops-rules.yaml");
    private static final Path OUT = Path.of("target/observability").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private final Suite suite = Suite.Extension.suite();
    private final String client = "203.0.113." + (1 + new Random().nextInt(250));

    private Http.Reply admin(String method, String path, String body) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    /** One expression to check and where it comes from. */
    record Expression(String where, String expr, Set<String> names) {
    }

    @Test
    void everyMetricInTheDashboardsAndRulesIsExportedByTheRunningSuite() throws Exception {
        driveTraffic();
        Map<String, String> captures = capture();
        Exported exported = new Exported();
        captures.values().forEach(exported::add);

        List<Expression> expressions = new ArrayList<>();
        expressions.addAll(ruleExpressions());
        expressions.addAll(dashboardExpressions());
        assertTrue(expressions.size() >= 60, "expressions found: " + expressions.size());

        List<String> missing = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (Expression e : expressions) {
            assertFalse(e.names().isEmpty(), e.where() + ": no metric name in " + e.expr());
            for (String name : e.names()) {
                used.add(name);
                if (!EXTERNAL.containsKey(name) && !exported.has(name)) {
                    missing.add(e.where() + ": " + name + " is not exported by the suite" + exported.hint(name)
                            + "\n    expr: " + e.expr().strip().replaceAll("\\s+", " "));
                }
            }
        }
        Files.writeString(OUT.resolve("metric-names-used.txt"), String.join("\n", used) + "\n");
        assertTrue(missing.isEmpty(), missing.size() + " expression(s) use metrics the suite does not export "
                + "(capture in " + OUT.resolve("capture") + "):\n" + String.join("\n", missing));
        // the allowlist stays exact: every external name is used, none is something we export ourselves
        for (String name : EXTERNAL.keySet()) {
            assertTrue(used.contains(name), "EXTERNAL lists " + name + ", which no expression uses");
            assertFalse(exported.has(name), name + " is exported by the suite: take it off EXTERNAL");
        }
    }

    @Test
    void theRulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        Path promtool = MetricsIT.promtool();
        assertNotNull(promtool, "promtool is not installed (./test.sh installs it; Debian: apt-get install prometheus)");
        Files.createDirectories(OUT);
        Path rules = Files.copy(RULES, OUT.resolve("tuneops-rules.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String check = run(promtool.toString(), "check", "rules", rules.toString());
        assertTrue(check.contains("SUCCESS"), check);

        Path test = OUT.resolve("tuneops-rules-test.yaml");
        try (var in = getClass().getResourceAsStream("/observability/tuneops-rules-test.yaml")) {
            assertNotNull(in, "tuneops-rules-test.yaml on the test classpath");
            Files.write(test, in.readAllBytes());
        }
        String unit = run(promtool.toString(), "test", "rules", test.toString());
        assertTrue(unit.contains("SUCCESS"), unit);
    }

    @Test
    void theDashboardsAreGrafanaJsonWithUniquePanelIdsAndADatasourceVariable() throws IOException {
        Map<String, JsonNode> dashboards = dashboards();
        assertEquals(Set.of("tuneops-jobs.json", "tuneops-http.json", "tuneops-webhooks.json", "tuneops-storage.json",
                "tuneops-audit.json", "tuneops-pods.json"), dashboards.keySet());
        Set<String> uids = new HashSet<>();
        for (Map.Entry<String, JsonNode> d : dashboards.entrySet()) {
            JsonNode dashboard = d.getValue();
            String file = d.getKey();
            assertTrue(uids.add(dashboard.path("uid").asText()), file + " uid");
            assertFalse(dashboard.path("title").asText().isBlank(), file);
            assertTrue(dashboard.has("schemaVersion"), file);
            JsonNode datasource = null;
            for (JsonNode v : dashboard.at("/templating/list")) {
                if ("datasource".equals(v.path("type").asText())) {
                    datasource = v;
                }
            }
            assertNotNull(datasource, file + ": no datasource variable");
            assertEquals("prometheus", datasource.path("query").asText(), file);
            String ref = "${" + datasource.path("name").asText() + "}";
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels(dashboard)) {
                String where = file + " panel " + panel.path("id") + " '" + panel.path("title").asText() + "'";
                assertTrue(panel.path("id").isInt(), where + ": id");
                assertTrue(ids.add(panel.path("id").asInt()), where + ": duplicate id");
                assertTrue(panel.has("gridPos"), where);
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                assertEquals(ref, panel.at("/datasource/uid").asText(), where + ": datasource");
                assertTrue(panel.path("targets").size() > 0, where + ": no query");
                for (JsonNode target : panel.path("targets")) {
                    assertFalse(target.path("expr").asText().isBlank(), where + ": empty expr");
                    assertEquals(ref, target.at("/datasource/uid").asText(), where + ": target datasource");
                }
                assertFalse(panel.at("/fieldConfig/defaults/unit").asText().isBlank(), where + ": unit");
            }
        }
    }

    // ---- traffic and capture

    /** Requests that make the lazily created series appear: statuses, a webhook refused by signature and by allowlist. */
    private void driveTraffic() throws Exception {
        assertEquals(200, admin("POST", "/api/cloud/metrics/config/templates/full", null).status());
        assertEquals(200, Http.request("GET", suite.gateway("/api/cloud/health"), null, "X-Forwarded-For", client).status());
        assertEquals(401, Http.request("GET", suite.gateway("/api/cloud/jobs"), null, "X-Forwarded-For", client).status());
        assertEquals(200, admin("GET", "/api/cloud/jobs?limit=1", null).status());
        assertEquals(200, admin("GET", "/api/audit/verify", null).status());
        assertEquals(200, admin("GET", "/api/cloud/storage/outputs?list-type=2", null).status());

        // a signature that does not verify: 401 from webhook-service
        assertEquals(200, admin("PUT", "/api/cloud/providers/generic", "{\"webhook_secret\": \"" + WEBHOOK_SECRET + "\"}").status());
        String body = "{\"id\":\"observability-unknown\",\"status\":\"processing\"}";
        long ts = System.currentTimeMillis() / 1000;
        Http.Reply forged = Http.request("POST", suite.gateway("/api/webhooks/generic"), body, "Content-Type", "application/json",
                "X-Forwarded-For", client, "webhook-id", "msg_observability", "webhook-timestamp", Long.toString(ts),
                "webhook-signature", new Webhook("whsec_" + "A".repeat(32)).sign("msg_observability", ts, body));
        assertEquals(401, forged.status(), forged.body());

        // an address outside a provider's allowlist: refused by the gateway (the allowlist is put back afterwards)
        JsonNode replicate = admin("GET", "/api/cloud/providers/replicate", null).json();
        JsonNode before = replicate.path("config").has("webhook_allowed_ips") ? replicate.path("config").path("webhook_allowed_ips")
                : replicate.path("webhook_allowed_ips");
        try {
            assertEquals(200, admin("PUT", "/api/cloud/providers/replicate", "{\"webhook_allowed_ips\": [\"192.0.2.0/24\"]}").status());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int status;
            do {
                // the gateway learns the allowlist through Redis pub/sub: asked until it applies it
                status = Http.request("POST", suite.gateway("/api/webhooks/replicate"), body, "Content-Type", "application/json",
                        "X-Forwarded-For", client).status();
            } while (status != 403 && System.nanoTime() < deadline);
            assertEquals(403, status, "a webhook from outside the allowlist");
        } finally {
            admin("PUT", "/api/cloud/providers/replicate", "{\"webhook_allowed_ips\": " + (before.isArray() ? before : "[]") + "}");
        }
    }

    /** Every service's /q/metrics on its own port and the export through the gateway, written under target/. */
    private Map<String, String> capture() throws IOException {
        Path dir = Files.createDirectories(OUT.resolve("capture"));
        Map<String, String> captures = new LinkedHashMap<>();
        for (String service : Suite.SERVICES) {
            Http.Reply reply = Http.request("GET", suite.service(service).url("/q/metrics"), null, "Accept", "text/plain; version=0.0.4");
            assertEquals(200, reply.status(), service + " /q/metrics");
            captures.put(service + ".prom", reply.body());
        }
        Http.Reply export = Http.request("GET", suite.gateway("/api/cloud/metrics/prometheus"), null,
                "Accept", "text/plain; version=0.0.4", "X-Forwarded-For", client);
        assertEquals(200, export.status(), export.body());
        assertTrue(export.body().contains("simpletuner_jobs_total"), "the export is enabled:\n" + export.body());
        captures.put("export.prom", export.body());
        for (Map.Entry<String, String> c : captures.entrySet()) {
            Files.writeString(dir.resolve(c.getKey()), c.getValue());
        }
        return captures;
    }

    /** Names a capture makes available to PromQL: sample names, and the names each declared family stands for. */
    static final class Exported {
        private final Set<String> names = new TreeSet<>();

        void add(String text) {
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    String family = parts[2];
                    String type = parts.length > 3 ? parts[3] : "untyped";
                    switch (type) {
                        // a family with no sample in this scrape (a value the owner reports as unknown) still exists
                        case "counter" -> names.add(family.endsWith("_total") ? family : family + "_total");
                        case "histogram" -> names.addAll(List.of(family + "_bucket", family + "_count", family + "_sum"));
                        case "summary" -> names.addAll(List.of(family, family + "_count", family + "_sum"));
                        default -> names.add(family);
                    }
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    int end = 0;
                    while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                        end++;
                    }
                    names.add(line.substring(0, end));
                }
            }
        }

        boolean has(String name) {
            return names.contains(name);
        }

        /** Names sharing the first two words, to point at a suffix or unit mistake. */
        String hint(String name) {
            String[] words = name.split("_");
            String prefix = words.length > 2 ? words[0] + "_" + words[1] + "_" : name;
            List<String> near = names.stream().filter(n -> n.startsWith(prefix)).limit(8).toList();
            return near.isEmpty() ? "" : " (exported with that prefix: " + String.join(", ", near) + ")";
        }
    }

    // ---- expressions

    static List<Expression> ruleExpressions() throws IOException {
        List<Expression> out = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
                String expr = rule.path("expr").asText();
                out.add(new Expression("rule " + group.path("name").asText() + "/" + name, expr, PromQlNames.of(expr)));
            }
        }
        return out;
    }

    static List<Expression> dashboardExpressions() throws IOException {
        List<Expression> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> d : dashboards().entrySet()) {
            for (JsonNode panel : panels(d.getValue())) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    out.add(new Expression("dashboard " + d.getKey() + " panel '" + panel.path("title").asText() + "' ("
                            + target.path("refId").asText() + ")", expr, PromQlNames.of(expr)));
                }
            }
            for (JsonNode variable : d.getValue().at("/templating/list")) {
                if ("query".equals(variable.path("type").asText())) {
                    JsonNode q = variable.path("query");
                    String query = q.isObject() ? q.path("query").asText() : q.asText();
                    out.add(new Expression("dashboard " + d.getKey() + " variable $" + variable.path("name").asText(), query,
                            PromQlNames.ofVariableQuery(query)));
                }
            }
        }
        return out;
    }

    static Map<String, JsonNode> dashboards() throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(FILES.resolve("dashboards"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                out.put(p.getFileName().toString(), JSON.readTree(p.toFile()));
            }
        }
        return out;
    }

    /** Every panel, those inside collapsed rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            out.add(panel);
            panel.path("panels").forEach(out::add);
        }
        return out;
    }

    // ---- promtool

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }
}
