package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;

import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The conditional headers of GetObject and HeadObject, evaluated as S3 does: If-Match (and
 * otherwise If-Unmodified-Since) failing is 412 PreconditionFailed; If-None-Match (and otherwise
 * If-Modified-Since) holding is 304 Not Modified. Dates are compared to the second, as HTTP dates
 * carry no more; an unparseable date is ignored.
 */
public record Preconditions(String ifMatch, String ifNoneMatch, String ifModifiedSince, String ifUnmodifiedSince) {

    /** What the request gets: the object, or 304 Not Modified. */
    public enum Outcome { PROCEED, NOT_MODIFIED }

    public static Preconditions of(MultiMap headers) {
        return new Preconditions(headers.get("If-Match"), headers.get("If-None-Match"), headers.get("If-Modified-Since"),
                headers.get("If-Unmodified-Since"));
    }

    /** The x-amz-copy-source-if-* headers of CopyObject and UploadPartCopy, about the source object. */
    public static Preconditions ofCopySource(MultiMap headers) {
        return new Preconditions(headers.get("x-amz-copy-source-if-match"), headers.get("x-amz-copy-source-if-none-match"),
                headers.get("x-amz-copy-source-if-modified-since"), headers.get("x-amz-copy-source-if-unmodified-since"));
    }

    /**
     * A copy's conditions on its source: the same evaluation as a GET's, except that what would be
     * 304 Not Modified is 412 PreconditionFailed (a copy has no cached copy to keep). So, as S3
     * documents: if-match holding makes if-unmodified-since irrelevant, and if-none-match
     * failing is 412 whatever if-modified-since says.
     */
    public void requireForCopy(String etag, OffsetDateTime lastModified) {
        if (evaluate(etag, lastModified) == Outcome.NOT_MODIFIED) {
            throw preconditionFailed();
        }
    }

    /** Evaluates against the object's ETag (unquoted) and last modification; throws 412 PreconditionFailed. */
    public Outcome evaluate(String etag, OffsetDateTime lastModified) {
        OffsetDateTime modified = lastModified.truncatedTo(ChronoUnit.SECONDS);
        if (ifMatch != null && !etagMatches(ifMatch, etag)) {
            throw preconditionFailed();
        }
        if (ifMatch == null) {
            OffsetDateTime since = date(ifUnmodifiedSince);
            if (since != null && modified.isAfter(since)) {
                throw preconditionFailed();
            }
        }
        if (ifNoneMatch != null) {
            return etagMatches(ifNoneMatch, etag) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        OffsetDateTime since = date(ifModifiedSince);
        if (since != null && !modified.isAfter(since)) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /** A comma-separated list of ETags, quoted or not, or {@code *}. */
    static boolean etagMatches(String header, String etag) {
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || c.replace("\"", "").equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static OffsetDateTime date(String header) {
        if (header == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static S3Exception preconditionFailed() {
        return new S3Exception(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold");
    }
}
