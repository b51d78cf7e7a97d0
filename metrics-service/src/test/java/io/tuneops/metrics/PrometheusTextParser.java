package io.tuneops.metrics;

import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads an export twice: with a strict checker of the text format 0.0.4 grammar (every line, HELP
 * and TYPE before a family's samples, families never split or repeated, label escapes, values) and
 * with the Hawkular agent's Prometheus text parser; both readings must agree.
 */
final class PrometheusTextParser {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String help, String type, List<Sample> samples) {
        Sample only() {
            assertEquals(1, samples.size(), "samples of " + name);
            return samples.get(0);
        }

        double value(String label, String labelValue) {
            return samples.stream().filter(s -> labelValue.equals(s.labels().get(label))).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + name + "{" + label + "=\"" + labelValue + "\"} in " + samples))
                    .value();
        }
    }

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\\\\\|\\\\n)*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)})? (\\S+)(?: -?[0-9]+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\\\\\|\\\\\"|\\\\n)*)\"(,|$)");
    private static final Pattern VALUE = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+|Inf)|NaN");

    private PrometheusTextParser() {
    }

    static Map<String, Family> parse(String text) {
        Map<String, Family> strict = strict(text);
        Map<String, MetricFamily> hawkular = hawkular(text);
        assertEquals(strict.keySet(), hawkular.keySet(), "families read by the two parsers");
        strict.forEach((name, family) -> {
            MetricFamily other = hawkular.get(name);
            assertEquals(family.type(), other.getType().name().toLowerCase(), "type of " + name);
            assertEquals(family.samples().size(), other.getMetrics().size(), "samples of " + name);
            for (int i = 0; i < family.samples().size(); i++) {
                Sample s = family.samples().get(i);
                Metric m = other.getMetrics().get(i);
                assertEquals(s.labels(), m.getLabels() == null ? Map.of() : m.getLabels(), "labels of " + name);
                double v = m instanceof Counter c ? c.getValue() : ((Gauge) m).getValue();
                assertEquals(s.value(), v, 0.0, "value of " + name + s.labels());
            }
        });
        return strict;
    }

    static Map<String, Family> strict(String text) {
        assertTrue(text.isEmpty() || text.endsWith("\n"), "the export ends with a newline");
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> seen = new HashSet<>();
        String current = null;
        String pendingHelp = null;
        String pendingHelpName = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                assertTrue(!families.containsKey(m.group(1)) && pendingHelpName == null, "repeated or stray HELP: " + line);
                if (current != null) {
                    closed.add(current);
                }
                pendingHelpName = m.group(1);
                pendingHelp = m.group(2).replace("\\n", "\n").replace("\\\\", "\\");
            } else if ((m = TYPE.matcher(line)).matches()) {
                assertEquals(pendingHelpName, m.group(1), "TYPE follows the HELP of the same family: " + line);
                current = m.group(1);
                families.put(current, new Family(current, pendingHelp, m.group(2), new ArrayList<>()));
                pendingHelpName = null;
            } else if (line.startsWith("#")) {
                assertTrue(!line.startsWith("# HELP") && !line.startsWith("# TYPE"), "malformed HELP/TYPE: " + line);
                assertTrue(pendingHelpName == null, "comment between HELP and TYPE: " + line);
                if (current != null) {
                    closed.add(current);
                    current = null;
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                assertEquals(current, name, "sample outside its family (HELP/TYPE missing or family split): " + line);
                assertTrue(!closed.contains(name), "family split: " + line);
                Map<String, String> labels = labels(m.group(2), line);
                assertTrue(VALUE.matcher(m.group(3)).matches(), "bad value: " + line);
                assertTrue(seen.add(name + labels), "duplicate sample: " + line);
                families.get(name).samples().add(new Sample(name, labels, Double.parseDouble(
                        m.group(3).replace("Inf", "Infinity"))));
            } else {
                fail("not a line of the text format: " + line);
            }
        }
        assertTrue(pendingHelpName == null, "HELP without TYPE");
        return families;
    }

    private static Map<String, String> labels(String body, String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (body == null) {
            return labels;
        }
        Matcher m = LABEL.matcher(body);
        int at = 0;
        while (at < body.length()) {
            assertTrue(m.find(at) && m.start() == at, "bad labels: " + line);
            StringBuilder value = new StringBuilder();
            String raw = m.group(2);
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\') {
                    char next = raw.charAt(++i);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            assertNotNull(value);
            assertTrue(labels.put(m.group(1), value.toString()) == null, "repeated label: " + line);
            at = m.end();
        }
        return labels;
    }

    private static Map<String, MetricFamily> hawkular(String text) {
        Map<String, MetricFamily> families = new LinkedHashMap<>();
        try {
            TextPrometheusMetricDataParser parser = new TextPrometheusMetricDataParser(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            MetricFamily family;
            while ((family = parser.parse()) != null) {
                assertTrue(families.put(family.getName(), family) == null, "family read twice: " + family.getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return families;
    }
}
