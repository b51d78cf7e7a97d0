package io.tuneops.console.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds a query string and path segments, encoded; blank values are left out. */
public final class Query {

    private final StringBuilder query = new StringBuilder();

    public static Query of() {
        return new Query();
    }

    public Query add(String name, String value) {
        if (value != null && !value.isBlank()) {
            query.append(query.length() == 0 ? '?' : '&').append(encode(name)).append('=').append(encode(value));
        }
        return this;
    }

    public Query add(String name, Iterable<String> values) {
        if (values != null) {
            values.forEach(v -> add(name, v));
        }
        return this;
    }

    /** "" or "?a=1&b=2". */
    @Override
    public String toString() {
        return query.toString();
    }

    /** One path segment: a job id, a provider name, a key id; never a way to another path. */
    public static String segment(String value) {
        return encode(value).replace("+", "%20");
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
