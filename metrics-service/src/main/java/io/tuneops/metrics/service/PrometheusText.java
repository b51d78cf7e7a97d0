package io.tuneops.metrics.service;

import java.util.Map;

/**
 * Writes the Prometheus text exposition format 0.0.4: every family opens with its HELP and TYPE
 * lines, samples follow with their label values escaped, one family is never split.
 */
public final class PrometheusText {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    public PrometheusText comment(String text) {
        out.append("# ").append(text.replace("\n", " ")).append('\n');
        return this;
    }

    /** Opens a family: {@code type} is {@code counter} or {@code gauge}. */
    public PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    public PrometheusText sample(String name, double value) {
        out.append(name).append(' ').append(format(value)).append('\n');
        return this;
    }

    public PrometheusText sample(String name, String label, String labelValue, double value) {
        out.append(name).append('{').append(label).append("=\"").append(escapeLabel(labelValue)).append("\"} ")
                .append(format(value)).append('\n');
        return this;
    }

    /** One sample per entry, in the map's order, labelled {@code label}. */
    public PrometheusText samples(String name, String label, Map<String, ? extends Number> values) {
        values.forEach((k, v) -> {
            if (k != null && v != null) {
                sample(name, label, k, v.doubleValue());
            }
        });
        return this;
    }

    public boolean isEmpty() {
        return out.isEmpty();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String escapeLabel(String value) {
        StringBuilder s = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '"' -> s.append("\\\"");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.toString();
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
