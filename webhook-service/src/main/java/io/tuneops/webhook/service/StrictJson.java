package io.tuneops.webhook.service;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one way this service reads a JSON body (API bodies through rest/StrictJsonReader, webhook
 * snapshots through WebhookIngestion): a JSON object whose every number has a finite value. JSON
 * itself bounds nothing, and the parser turns {@code 1e999999} into Infinity, which no column, sum
 * or price can hold; refused here, by the field's path, every later check sees finite numbers.
 */
public final class StrictJson {

    /** A number without a finite value; {@link #field()} is its path, e.g. {@code metrics.predict_time}. */
    public static final class NonFiniteNumber extends IllegalArgumentException {
        private final String field;

        NonFiniteNumber(String field) {
            super("'" + field + "' must be a finite number (it is too large for a 64-bit floating-point number)");
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private StrictJson() {
    }

    /**
     * @throws DecodeException      when the text is not a JSON object
     * @throws NonFiniteNumber      naming the first number without a finite value
     */
    public static JsonObject object(Buffer json) {
        JsonObject object = new JsonObject(json);
        nonFinite(object, "").ifPresent(field -> {
            throw new NonFiniteNumber(field);
        });
        return object;
    }

    /** The path of the first number in {@code value} that has no finite double value. */
    static Optional<String> nonFinite(Object value, String path) {
        if (value instanceof JsonObject o) {
            return nonFinite(o.getMap(), path);
        }
        if (value instanceof JsonArray a) {
            return nonFinite(a.getList(), path);
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Optional<String> found = nonFinite(e.getValue(), path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey());
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Optional<String> found = nonFinite(list.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal || value instanceof BigInteger) {
            return Double.isFinite(((Number) value).doubleValue()) ? Optional.empty() : Optional.of(path.isEmpty() ? "(body)" : path);
        }
        return Optional.empty();
    }
}
