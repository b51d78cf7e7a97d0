package io.tuneops.metrics.service;

import io.tuneops.metrics.service.CategoryValidation.FieldError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CategoryValidationTest {

    @Test
    void knownIdsComeBackInCatalogueOrderEachOnce() {
        CategoryValidation.Result result = CategoryValidation.check("c", List.of("health", "jobs", "http", "jobs"));
        assertEquals(List.of("jobs", "http", "health"), result.categories());
        assertNull(result.errors());
    }

    @Test
    void anEmptyListIsValidAndSelectsNothing() {
        CategoryValidation.Result result = CategoryValidation.check("c", List.of());
        assertEquals(List.of(), result.categories());
        assertNull(result.errors());
    }

    @Test
    void everyUnknownEntryIsReportedAtItsIndexWithTheValidIds() {
        CategoryValidation.Result result = CategoryValidation.check("prometheus_categories",
                Arrays.asList("jobs", "gpu", 7, null));
        assertNull(result.categories());
        List<FieldError> errors = result.errors();
        assertEquals(List.of("prometheus_categories[1]", "prometheus_categories[2]", "prometheus_categories[3]"),
                errors.stream().map(FieldError::field).toList());
        assertEquals("unknown category 'gpu'; valid: " + CategoryValidation.valid(), errors.get(0).message());
        assertEquals("unknown category 7; valid: " + CategoryValidation.valid(), errors.get(1).message());
        assertTrue(errors.get(2).message().startsWith("unknown category null;"), errors.get(2).message());
    }

    @Test
    void aLongUnknownIdIsShortenedInTheMessage() {
        String id = "x".repeat(100);
        String message = CategoryValidation.check("c", List.of(id)).errors().get(0).message();
        assertTrue(message.contains("'" + "x".repeat(64) + "...'"), message);
    }

    @Test
    void anythingButAListIsOneErrorOnTheField() {
        for (Object value : Arrays.asList("jobs", 1, null, true)) {
            CategoryValidation.Result result = CategoryValidation.check("prometheus_categories", value);
            assertNull(result.categories());
            assertEquals(List.of(new FieldError("prometheus_categories",
                    "must be a list of category ids; valid: " + CategoryValidation.valid())), result.errors());
        }
    }

    @Test
    void theValidIdsAreTheGuidesCategoriesInItsOrder() {
        assertEquals("jobs, http, rate_limits, approvals, audit, health, circuit_breakers, provider",
                CategoryValidation.valid());
    }
}
