package io.tuneops.metrics.service;

import io.tuneops.metrics.service.CategoryValidation.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExportConfigRequestsTest {

    private static ExportConfigRequests.Invalid refused(Runnable request) {
        return assertThrows(ExportConfigRequests.Invalid.class, request::run);
    }

    @Test
    void anUpdateTakesEitherFieldAndLeavesTheOtherUnset() {
        assertEquals(new ExportConfigService.Change(Optional.of(true), Optional.empty(), null),
                ExportConfigRequests.update("{\"prometheus_enabled\": true}"));
        assertEquals(new ExportConfigService.Change(Optional.empty(), Optional.of(List.of("jobs", "audit")), null),
                ExportConfigRequests.update("{\"prometheus_categories\": [\"audit\", \"jobs\", \"audit\"]}"));
    }

    @Test
    void anUpdateThatIsNotAJsonObjectIsRefusedWithoutFieldErrors() {
        assertEquals("The request body is not JSON", refused(() -> ExportConfigRequests.update("{not json")).detail());
        for (String body : new String[]{"", "  ", "[\"jobs\"]", "{}", "true"}) {
            ExportConfigRequests.Invalid e = refused(() -> ExportConfigRequests.update(body));
            assertEquals("A JSON object with prometheus_enabled and/or prometheus_categories is required", e.detail(), body);
            assertNull(e.errors(), body);
        }
    }

    @Test
    void everyFieldAtFaultIsNamedUnknownFieldsFirst() {
        ExportConfigRequests.Invalid e = refused(() -> ExportConfigRequests.update(
                "{\"prometheus_enabled\": \"yes\", \"prometheus_categories\": [\"gpu\"], \"extra\": 1}"));
        assertEquals("Invalid metrics configuration; valid categories: " + CategoryValidation.valid(), e.detail());
        assertEquals(List.of("extra", "prometheus_enabled", "prometheus_categories[0]"),
                e.errors().stream().map(FieldError::field).toList());
        assertEquals("unknown field; supported: prometheus_enabled, prometheus_categories", e.errors().get(0).message());
        assertEquals("must be true or false", e.errors().get(1).message());
    }

    @Test
    void categoriesThatAreNotAListAreOneErrorOnTheField() {
        ExportConfigRequests.Invalid e = refused(() -> ExportConfigRequests.update("{\"prometheus_categories\": \"jobs\"}"));
        assertEquals(List.of("prometheus_categories"), e.errors().stream().map(FieldError::field).toList());
    }

    @Test
    void previewQueryValuesMayRepeatOrBeCommaSeparated() {
        assertEquals(Optional.of(List.of("jobs", "http", "health")),
                ExportConfigRequests.previewCategories(List.of("health", "jobs, http", ",")));
        assertEquals(Optional.empty(), ExportConfigRequests.previewCategories(List.<String>of()));
        assertEquals(Optional.empty(), ExportConfigRequests.previewCategories((List<String>) null));
        ExportConfigRequests.Invalid e = refused(() -> ExportConfigRequests.previewCategories(List.of("jobs,gpu")));
        assertEquals("Unknown metric category; valid categories: " + CategoryValidation.valid(), e.detail());
        assertEquals("categories[1]", e.errors().get(0).field());
    }

    @Test
    void previewBodiesAreAnArrayOrAnObjectHoldingOne() {
        assertEquals(Optional.of(List.of("approvals", "audit")),
                ExportConfigRequests.previewCategories("[\"audit\", \"approvals\"]"));
        assertEquals(Optional.of(List.of("jobs")), ExportConfigRequests.previewCategories("{\"categories\": [\"jobs\"]}"));
        assertEquals(Optional.empty(), ExportConfigRequests.previewCategories(""));
        assertEquals("Expected a JSON array of category ids; valid: " + CategoryValidation.valid(),
                refused(() -> ExportConfigRequests.previewCategories("{\"x\": 1}")).detail());
        assertEquals("The request body is not JSON", refused(() -> ExportConfigRequests.previewCategories("[")).detail());
    }
}
