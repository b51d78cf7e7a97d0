package io.tuneops.storage.s3;

import io.tuneops.storage.s3.Preconditions.Outcome;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since, evaluated as S3 does. */
class PreconditionsTest {

    private static final String ETAG = "0cc175b9c0f1b6a831c399e269772661";
    private static final OffsetDateTime MODIFIED = OffsetDateTime.parse("2026-01-02T03:04:05.678Z");
    private static final String AT_MODIFICATION = http(MODIFIED);
    private static final String BEFORE = http(MODIFIED.minusSeconds(1));
    private static final String AFTER = http(MODIFIED.plusSeconds(1));

    private static String http(OffsetDateTime t) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(t);
    }

    private static Outcome evaluate(String ifMatch, String ifNoneMatch, String ifModifiedSince, String ifUnmodifiedSince) {
        return new Preconditions(ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince).evaluate(ETAG, MODIFIED);
    }

    private static void assertPreconditionFailed(String ifMatch, String ifNoneMatch, String ifModifiedSince, String ifUnmodifiedSince) {
        S3Exception e = assertThrows(S3Exception.class, () -> evaluate(ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince));
        assertEquals(412, e.status());
        assertEquals("PreconditionFailed", e.code());
    }

    @Test
    void noConditionsProceed() {
        assertEquals(Outcome.PROCEED, evaluate(null, null, null, null));
    }

    @Test
    void ifMatchNeedsTheEtagQuotedOrNotOrAStar() {
        assertEquals(Outcome.PROCEED, evaluate(ETAG, null, null, null));
        assertEquals(Outcome.PROCEED, evaluate("\"" + ETAG + "\"", null, null, null));
        assertEquals(Outcome.PROCEED, evaluate("\"other\", \"" + ETAG + "\"", null, null, null));
        assertEquals(Outcome.PROCEED, evaluate("*", null, null, null));
        assertPreconditionFailed("\"other\"", null, null, null);
    }

    @Test
    void ifNoneMatchIsNotModifiedWhenTheEtagMatches() {
        assertEquals(Outcome.NOT_MODIFIED, evaluate(null, "\"" + ETAG + "\"", null, null));
        assertEquals(Outcome.NOT_MODIFIED, evaluate(null, "*", null, null));
        assertEquals(Outcome.PROCEED, evaluate(null, "\"other\"", null, null));
    }

    @Test
    void ifModifiedSinceComparesToTheSecond() {
        assertEquals(Outcome.NOT_MODIFIED, evaluate(null, null, AT_MODIFICATION, null));
        assertEquals(Outcome.NOT_MODIFIED, evaluate(null, null, AFTER, null));
        assertEquals(Outcome.PROCEED, evaluate(null, null, BEFORE, null));
    }

    @Test
    void ifUnmodifiedSinceFailsForAnObjectChangedLater() {
        assertEquals(Outcome.PROCEED, evaluate(null, null, null, AT_MODIFICATION));
        assertEquals(Outcome.PROCEED, evaluate(null, null, null, AFTER));
        assertPreconditionFailed(null, null, null, BEFORE);
    }

    @Test
    void aMatchingIfMatchOverridesIfUnmodifiedSince() {
        assertEquals(Outcome.PROCEED, evaluate(ETAG, null, null, BEFORE));
    }

    @Test
    void ifNoneMatchOverridesIfModifiedSince() {
        assertEquals(Outcome.PROCEED, evaluate(null, "\"other\"", AFTER, null));
        assertEquals(Outcome.NOT_MODIFIED, evaluate(null, "\"" + ETAG + "\"", BEFORE, null));
    }

    @Test
    void ifMatchIsCheckedBeforeIfNoneMatch() {
        assertPreconditionFailed("\"other\"", "\"" + ETAG + "\"", null, null);
    }

    @Test
    void unreadableDatesAreIgnored() {
        assertEquals(Outcome.PROCEED, evaluate(null, null, "yesterday", null));
        assertEquals(Outcome.PROCEED, evaluate(null, null, null, "2026-01-01"));
    }

    @Test
    void headersAreReadCaseInsensitively() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("if-none-match", "\"" + ETAG + "\"")
                .add("IF-MATCH", ETAG).add("If-Modified-Since", BEFORE).add("if-unmodified-since", AFTER);
        assertEquals(new Preconditions(ETAG, "\"" + ETAG + "\"", BEFORE, AFTER), Preconditions.of(headers));
        assertEquals(Outcome.NOT_MODIFIED, Preconditions.of(headers).evaluate(ETAG, MODIFIED));
    }
}
