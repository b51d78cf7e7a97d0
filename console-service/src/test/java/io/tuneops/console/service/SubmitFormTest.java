package io.tuneops.console.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubmitFormTest {

    private final ObjectMapper json = new ObjectMapper();

    /** The body as the API receives it. */
    private Map<String, Object> sent(SubmitForm.Built built) {
        return json.convertValue(built.body(), new TypeReference<>() {
        });
    }

    @Test
    void blankFieldsAreLeftOutAndTheInputIsAnObject() {
        SubmitForm.Built built = new SubmitForm("replicate", " lora ", "", "o/m:abc", "me/out", "{\"steps\": 10}", "k1", "")
                .build(json);
        assertTrue(built.errors().isEmpty());
        assertEquals(Map.of("provider", "replicate", "name", "lora", "version", "o/m:abc", "destination", "me/out",
                "input", Map.of("steps", 10), "idempotency_key", "k1"), sent(built));
    }

    @Test
    void anInputThatIsNotAJsonObjectIsNamed() {
        assertEquals(SubmitForm.INPUT_ERROR, new SubmitForm("generic", "", "", "", "", "[1]", "k", "").build(json).errors().get("input"));
        assertTrue(new SubmitForm("generic", "", "", "", "", "{steps", "k", "").build(json).errors().get("input")
                .startsWith(SubmitForm.INPUT_ERROR + " ("));
        assertFalse(sent(new SubmitForm("generic", "", "", "", "", "  ", "k", "").build(json)).containsKey("input"));
    }

    @Test
    void everyBlankFormHasItsOwnIdempotencyKeyAndAMissingOneIsMade() {
        assertNotEquals(SubmitForm.blank().idempotencyKey(), SubmitForm.blank().idempotencyKey());
        assertEquals(36, new SubmitForm(null, null, null, null, null, null, " ", null).idempotencyKey().length());
        assertEquals("replicate", new SubmitForm(null, null, null, null, null, null, null, null).provider());
    }
}
