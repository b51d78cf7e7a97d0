package io.tuneops.console.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The submit form as typed, and the API's submit body made of it. Blank fields are left out (the
 * API then applies its defaults); the training input is JSON the operator typed, which must be an
 * object. The idempotency key comes from a hidden field filled when the form was shown, so a form
 * sent twice (a double click, a retry after a timeout) submits one job. The maximum run time bounds
 * the job and prices its cost estimate.
 */
public record SubmitForm(String provider, String name, String hardware, String version, String destination,
                         String input, String idempotencyKey, String maxRunSeconds) {

    public static final String INPUT_ERROR = "must be a JSON object, e.g. {\"steps\": 1000}";
    public static final String MAX_RUN_ERROR = "must be a whole number of seconds above 0";

    /** The API's submit body; a null field is left out, so the API applies its default. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Body(String provider, String name, String hardware, String version, String destination,
                       JsonNode input, String idempotency_key, Long max_run_seconds) {
    }

    /** @param body the API's submit body; {@code errors} per form field, empty when it may be sent */
    public record Built(Body body, Map<String, String> errors) {
    }

    /** A blank form for a new job, with a new idempotency key. */
    public static SubmitForm blank() {
        return new SubmitForm("replicate", "", "", "", "", "", UUID.randomUUID().toString(), "");
    }

    public SubmitForm {
        provider = provider == null || provider.isBlank() ? "replicate" : provider.trim();
        idempotencyKey = idempotencyKey == null || idempotencyKey.isBlank() ? UUID.randomUUID().toString() : idempotencyKey.trim();
    }

    public Built build(ObjectMapper json) {
        Map<String, String> errors = new LinkedHashMap<>();
        JsonNode parsed = null;
        if (input != null && !input.isBlank()) {
            try {
                parsed = json.readTree(input);
                if (!parsed.isObject()) {
                    errors.put("input", INPUT_ERROR);
                    parsed = null;
                }
            } catch (JsonProcessingException e) {
                errors.put("input", INPUT_ERROR + " (" + e.getOriginalMessage() + ")");
            }
        }
        Body body = new Body(provider, text(name), text(hardware), text(version), text(destination), parsed,
                idempotencyKey, maxRun(errors));
        return new Built(body, errors);
    }

    /** The typed maximum run time in seconds, null when none (or not a number, said in {@code errors}). */
    public Long maxRun(Map<String, String> errors) {
        String typed = text(maxRunSeconds);
        if (typed == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(typed);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        errors.put("max_run_seconds", MAX_RUN_ERROR);
        return null;
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
