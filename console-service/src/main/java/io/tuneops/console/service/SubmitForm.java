package io.tuneops.console.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The submit form as typed, and the API's submit body made of it. Blank fields are left out (the
 * API then applies its defaults); the training input is JSON the operator typed, which must be an
 * object. The idempotency key comes from a hidden field filled when the form was shown, so a form
 * sent twice (a double click, a retry after a timeout) submits one job.
 */
public record SubmitForm(String provider, String name, String hardware, String version, String destination,
                         String input, String idempotencyKey) {

    public static final String INPUT_ERROR = "must be a JSON object, e.g. {\"steps\": 1000}";

    /** @param body the API's submit body; {@code errors} per form field, empty when it may be sent */
    public record Built(Map<String, Object> body, Map<String, String> errors) {
    }

    /** A blank form for a new job, with a new idempotency key. */
    public static SubmitForm blank() {
        return new SubmitForm("replicate", "", "", "", "", "", UUID.randomUUID().toString());
    }

    public SubmitForm {
        provider = provider == null || provider.isBlank() ? "replicate" : provider.trim();
        idempotencyKey = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString() : idempotencyKey.trim();
    }

    public Built build(ObjectMapper json) {
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        body.put("provider", provider);
        put(body, "name", name);
        put(body, "hardware", hardware);
        put(body, "version", version);
        put(body, "destination", destination);
        if (input != null && !input.isBlank()) {
            try {
                Object parsed = json.readValue(input, new TypeReference<Object>() {
                });
                if (parsed instanceof Map<?, ?> object) {
                    body.put("input", object);
                } else {
                    errors.put("input", INPUT_ERROR);
                }
            } catch (JsonProcessingException e) {
                errors.put("input", INPUT_ERROR + " (" + e.getOriginalMessage() + ")");
            }
        }
        body.put("idempotency_key", idempotencyKey);
        return new Built(body, errors);
    }

    private static void put(Map<String, Object> body, String field, String value) {
        if (value != null && !value.isBlank()) {
            body.put(field, value.trim());
        }
    }
}
