package io.tuneops.system;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects. There is no PromQL parser for Java (the real one is
 * Prometheus' Go code), and checking names needs far less than a parser: a tokenizer that skips
 * strings, label matchers inside {}, range and subquery brackets, numbers and durations, Grafana
 * variables ($__rate_interval, ${datasource}), function and aggregation names (an identifier
 * followed by '(', or by by/without: {@code sum by (x) (...)}), the keywords, and the label lists after by/without/on/ignoring/group_left/
 * group_right. Every identifier left is a metric name. Selecting by {__name__=...} is not
 * supported (our dashboards and rules never do it; it would go unchecked).
 */
final class PromQlNames {

    private static final Set<String> KEYWORDS = Set.of("bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    /** Grafana template variable queries: label_values(query, label), query_result(query). */
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\s*\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$", Pattern.DOTALL);
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

    private PromQlNames() {
    }

    /** The metric names of a Grafana variable query (label_values with one argument, label_names() and metrics() select none). */
    static Set<String> ofVariableQuery(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (m.matches()) {
            return of(m.group(1));
        }
        m = QUERY_RESULT.matcher(query);
        if (m.matches()) {
            return of(m.group(1));
        }
        return Set.of();
    }

    static Set<String> of(String expr) {
        Set<String> names = new LinkedHashSet<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expr, i);
            } else if (c == '#') {
                while (i < n && expr.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '{') {
                i = skipTo(expr, i, '}');
            } else if (c == '[') {
                i = skipTo(expr, i, ']');
            } else if (c == '$') {
                i++;
                if (i < n && expr.charAt(i) == '{') {
                    i = skipTo(expr, i, '}');
                } else {
                    while (i < n && isNamePart(expr.charAt(i))) {
                        i++;
                    }
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1)))) {
                // numbers, durations (5m, 1h30m), exponents, hex
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
                    i++;
                }
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && isNamePart(expr.charAt(i))) {
                    i++;
                }
                String word = expr.substring(start, i);
                int next = skipSpace(expr, i);
                boolean call = next < n && expr.charAt(next) == '(';
                String lower = word.toLowerCase(Locale.ROOT);
                if (LABEL_LIST_KEYWORDS.contains(lower)) {
                    if (call) {
                        i = skipTo(expr, next, ')');
                    }
                } else if (!call && !KEYWORDS.contains(lower) && !modifierFollows(expr, next)) {
                    names.add(word);
                }
            } else {
                i++;
            }
        }
        return names;
    }

    /** An aggregation written with its modifier first ({@code sum by (x) (...)}): the word at {@code i} is by or without. */
    private static boolean modifierFollows(String s, int i) {
        for (String modifier : new String[] {"by", "without"}) {
            int end = i + modifier.length();
            if (s.regionMatches(true, i, modifier, 0, modifier.length()) && (end == s.length() || !isNamePart(s.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index after the {@code close} that ends the bracket opened at {@code open}, skipping strings inside. */
    private static int skipTo(String s, int open, char close) {
        int i = open + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(s, i);
            } else if (c == close) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed '" + s.charAt(open) + "' in: " + s);
    }

    /** Index after the string literal starting at {@code i} (backslash escapes, none in raw `strings`). */
    private static int skipString(String s, int i) {
        char quote = s.charAt(i);
        i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unclosed string in: " + s);
    }
}
