package io.tuneops.helm;

import static io.tuneops.helm.ChartSupport.YAML;
import static io.tuneops.helm.ChartSupport.name;
import static io.tuneops.helm.ChartSupport.objects;
import static io.tuneops.helm.ChartSupport.ofKind;
import static io.tuneops.helm.ChartSupport.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule and the Grafana dashboard ConfigMaps: rendered from the chart's one copy of
 * the rules file and dashboards (files/), with the labels the Prometheus Operator and Grafana's
 * sidecar select on. Whether the expressions refer to metrics the suite exports is checked on the
 * running suite (system-tests, ObservabilityIT).
 */
class ObservabilityChartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNBOOKS = "https://github.com/tuneops/tuneops/blob/main/docs/troubleshooting.md#";

    private static JsonNode rulesFile() {
        try {
            return YAML.readTree(ChartSupport.chartDir().resolve("files/prometheus/tuneops-rules.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Path> dashboardFiles() {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(ChartSupport.chartDir().resolve("files/dashboards"))) {
            list.filter(p -> p.toString().endsWith(".json")).forEach(p -> files.put(p.getFileName().toString(), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static List<JsonNode> alerts(JsonNode groups) {
        List<JsonNode> out = new ArrayList<>();
        groups.forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }

    @Test
    void nothingIsRenderedByDefault() {
        List<JsonNode> objects = objects(render(null, Map.of()));
        assertTrue(ofKind(objects, "PrometheusRule").isEmpty());
        assertTrue(objects.stream().noneMatch(o -> o.at("/metadata/labels").has("grafana_dashboard")), "dashboards are opt-in");
    }

    @Test
    void thePrometheusRuleCarriesEveryAlertOfTheRulesFileWithItsLabels() {
        List<JsonNode> rules = ofKind(objects(render(null, Map.of("prometheusRule.enabled", true,
                "prometheusRule.labels.release", "kube-prometheus-stack"))), "PrometheusRule");
        assertEquals(1, rules.size());
        JsonNode rule = rules.get(0);
        assertEquals("prod-tuneops", name(rule));
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals("kube-prometheus-stack", rule.at("/metadata/labels/release").asText());
        assertEquals("tuneops", rule.at("/metadata/labels/app.kubernetes.io~1name").asText());

        JsonNode file = rulesFile().path("groups");
        JsonNode groups = rule.at("/spec/groups");
        assertEquals(file.size(), groups.size());
        for (int i = 0; i < file.size(); i++) {
            assertEquals(file.get(i).path("name").asText(), groups.get(i).path("name").asText());
        }
        List<JsonNode> rendered = alerts(groups);
        List<JsonNode> expected = alerts(file);
        assertEquals(expected.size(), rendered.size());
        assertTrue(rendered.size() >= 12, "alerts: " + rendered.size());
        for (int i = 0; i < expected.size(); i++) {
            // the same rule, whatever order Helm writes its keys in
            assertEquals(expected.get(i), rendered.get(i), "alert " + expected.get(i).path("alert").asText());
        }
        for (JsonNode alert : rendered) {
            String n = alert.path("alert").asText();
            assertTrue(n.matches("Tuneops[A-Za-z0-9]+"), n);
            assertTrue(List.of("warning", "critical").contains(alert.at("/labels/severity").asText()), n + " severity");
            assertFalse(alert.at("/annotations/summary").asText().isBlank(), n + " summary");
            assertFalse(alert.at("/annotations/description").asText().isBlank(), n + " description");
            assertEquals(RUNBOOKS + n.toLowerCase(Locale.ROOT), alert.at("/annotations/runbook_url").asText(), n + " runbook");
            assertFalse(alert.path("expr").asText().isBlank(), n);
        }
    }

    @Test
    void alertsTakeExtraLabelsCanBeLeftOutAndPointAtAnotherRunbookBase() {
        JsonNode rule = ofKind(objects(render(null, Map.of("prometheusRule.enabled", true,
                "prometheusRule.additionalRuleLabels.team", "ml-platform",
                "prometheusRule.additionalRuleLabels.severity", "info",
                "prometheusRule.disabledAlerts[0]", "TuneopsBackupTooOld",
                "prometheusRule.runbookBaseUrl", "https://wiki.example.com/tuneops/"))), "PrometheusRule").get(0);
        List<JsonNode> rendered = alerts(rule.at("/spec/groups"));
        assertEquals(alerts(rulesFile().path("groups")).size() - 1, rendered.size());
        for (JsonNode alert : rendered) {
            String n = alert.path("alert").asText();
            assertFalse(n.equals("TuneopsBackupTooOld"));
            assertEquals("ml-platform", alert.at("/labels/team").asText(), n);
            assertTrue(List.of("warning", "critical").contains(alert.at("/labels/severity").asText()), n + ": its own severity wins");
            assertEquals("https://wiki.example.com/tuneops/docs/troubleshooting.md#" + n.toLowerCase(Locale.ROOT),
                    alert.at("/annotations/runbook_url").asText());
        }
    }

    @Test
    void oneDashboardConfigMapPerFileForGrafanasSidecar() throws IOException {
        Map<String, Path> files = dashboardFiles();
        assertTrue(files.keySet().containsAll(List.of("tuneops-jobs.json", "tuneops-http.json", "tuneops-webhooks.json",
                "tuneops-storage.json", "tuneops-audit.json", "tuneops-pods.json")), files.keySet().toString());
        List<JsonNode> maps = ofKind(objects(render(null, Map.of("dashboards.enabled", true))), "ConfigMap").stream()
                .filter(c -> c.at("/metadata/labels").has("grafana_dashboard")).toList();
        assertEquals(files.size(), maps.size());
        for (JsonNode map : maps) {
            String n = name(map);
            assertTrue(n.startsWith("prod-tuneops-dashboard-"), n);
            assertEquals("1", map.at("/metadata/labels/grafana_dashboard").asText(), n);
            assertEquals("tuneops", map.at("/metadata/annotations/grafana_folder").asText(), n);
            assertEquals(1, map.path("data").size(), n);
            String key = map.path("data").fieldNames().next();
            JsonNode dashboard = JSON.readTree(map.path("data").path(key).asText());
            assertEquals(JSON.readTree(files.get(key).toFile()), dashboard, key + " is the file, unchanged");
            assertEquals(key.replace(".json", ""), dashboard.path("uid").asText());
        }
    }

    @Test
    void dashboardLabelFolderAndNamespaceAreConfigurable() {
        List<JsonNode> maps = ofKind(objects(render(null, Map.of("dashboards.enabled", true, "dashboards.label", "grafana_dash",
                "dashboards.labelValue", "yes", "dashboards.folder", "ML platform", "dashboards.folderAnnotation", "k8s-sidecar-target-directory",
                "dashboards.namespace", "monitoring", "prometheusRule.enabled", true, "prometheusRule.namespace", "monitoring"))), "ConfigMap")
                .stream().filter(c -> c.at("/metadata/labels").has("grafana_dash")).toList();
        assertEquals(dashboardFiles().size(), maps.size());
        for (JsonNode map : maps) {
            assertEquals("yes", map.at("/metadata/labels/grafana_dash").asText());
            assertEquals("ML platform", map.at("/metadata/annotations/k8s-sidecar-target-directory").asText());
            assertEquals("monitoring", map.at("/metadata/namespace").asText());
        }
    }

    @Test
    void schemaRejectsUnknownKeysAndWrongTypes() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> render(null, Map.of("prometheusRule.enable", true)));
        assertTrue(e.getMessage().contains("enable"), e.getMessage());
        e = assertThrows(RuntimeException.class, () -> render(null, Map.of("dashboards.folders", "x")));
        assertTrue(e.getMessage().contains("folders"), e.getMessage());
        assertThrows(RuntimeException.class, () -> render(null, Map.of("prometheusRule.disabledAlerts", "TuneopsBackupTooOld")));
    }

    @Test
    void lintStrictPassesWithRulesDashboardsAndServiceMonitor() throws Exception {
        Path values = Files.createTempFile("observability-", "-values.yaml");
        Files.writeString(values, """
                serviceMonitor: {enabled: true, labels: {release: kube-prometheus-stack}}
                prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}, additionalRuleLabels: {team: ml}}
                dashboards: {enabled: true}
                """);
        LintResult result = ChartSupport.lintStrict(values);
        assertFalse(result.isFailed(), () -> "lint failed: " + String.join("\n", result.getMessages()));
    }
}
