package io.tuneops.metrics.service;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTextTest {

    @Test
    void aFamilyIsHelpThenTypeThenItsSamples() {
        String text = new PrometheusText()
                .family("simpletuner_jobs_total", "counter", "Training jobs")
                .sample("simpletuner_jobs_total", 12)
                .toString();
        assertEquals("""
                # HELP simpletuner_jobs_total Training jobs
                # TYPE simpletuner_jobs_total counter
                simpletuner_jobs_total 12
                """, text);
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewline() {
        String text = new PrometheusText().sample("m", "provider", "we\"ird\\na\nme", 1).toString();
        assertEquals("m{provider=\"we\\\"ird\\\\na\\nme\"} 1\n", text);
    }

    @Test
    void helpEscapesBackslashAndNewlineButNotQuotes() {
        assertEquals("a \\\\ b\\nc \"d\"", PrometheusText.escapeHelp("a \\ b\nc \"d\""));
    }

    @Test
    void commentsStayOnOneLine() {
        assertEquals("# one two\n", new PrometheusText().comment("one\ntwo").toString());
    }

    @Test
    void valuesAreIntegersWhenWholeAndTheFormatsSpecialNamesOtherwise() {
        assertEquals("3", PrometheusText.format(3.0));
        assertEquals("-2", PrometheusText.format(-2.0));
        assertEquals("4.25", PrometheusText.format(4.25));
        assertEquals("NaN", PrometheusText.format(Double.NaN));
        assertEquals("+Inf", PrometheusText.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.format(Double.NEGATIVE_INFINITY));
        assertEquals("1.0E15", PrometheusText.format(1e15), "large values keep the exponent");
    }

    @Test
    void samplesSkipNullKeysAndValuesAndKeepTheMapsOrder() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put("b", 2L);
        values.put(null, 5L);
        values.put("a", null);
        values.put("c", 3L);
        String text = new PrometheusText().samples("m", "status", values).toString();
        assertEquals("m{status=\"b\"} 2\nm{status=\"c\"} 3\n", text);
    }

    @Test
    void anEmptyTextIsEmpty() {
        assertTrue(new PrometheusText().isEmpty());
        assertEquals("", new PrometheusText().toString());
    }
}
