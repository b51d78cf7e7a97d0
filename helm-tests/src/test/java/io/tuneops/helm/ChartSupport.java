package io.tuneops.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Renders and lints helm/tuneops with the Helm library embedded by helm-java. */
final class ChartSupport {

    static final String RELEASE = "prod";
    static final String NAMESPACE = "tuneops";
    static final String KUBE_VERSION = "1.30.0";
    static final YAMLMapper YAML = new YAMLMapper();

    private ChartSupport() {
    }

    static Path chartDir() {
        String dir = System.getProperty("tuneops.chart.dir");
        Path path = dir != null ? Paths.get(dir) : Paths.get("..", "helm", "tuneops");
        return path.toAbsolutePath().normalize();
    }

    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(chartDir().resolve("ci"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renders the chart with a values file (or none) and --set pairs. */
    static String render(Path valuesFile, Map<String, Object> set) {
        FakeKubeApi.start();
        TemplateCommand template = new Helm(chartDir()).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            template = template.withValuesFile(valuesFile);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            template = template.set(e.getKey(), e.getValue());
        }
        return template.call();
    }

    static List<JsonNode> objects(String rendered) {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && node.isObject() && node.has("kind")) {
                    out.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    /**
     * helm-java 0.0.21's lint takes no values file: lint a copy of the chart whose values.yaml is the
     * chart's values deep-merged with the scenario's (what `helm lint -f` checks).
     */
    static LintResult lintStrict(Path valuesFile) throws IOException {
        Path copy = Files.createTempDirectory("tuneops-lint-").resolve("tuneops");
        copyTree(chartDir(), copy);
        if (valuesFile != null) {
            JsonNode base = YAML.readTree(chartDir().resolve("values.yaml").toFile());
            JsonNode overlay = YAML.readTree(valuesFile.toFile());
            if (overlay != null && overlay.isObject()) {
                merge((ObjectNode) base, (ObjectNode) overlay);
            }
            YAML.writeValue(copy.resolve("values.yaml").toFile(), base);
        }
        return new Helm(copy).lint().strict().call();
    }

    private static void merge(ObjectNode base, ObjectNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = base.get(f.getKey());
            if (existing != null && existing.isObject() && f.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) f.getValue());
            } else {
                base.set(f.getKey(), f.getValue());
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
