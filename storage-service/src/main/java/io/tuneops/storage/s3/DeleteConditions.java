package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;

import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The conditions of a conditional delete, as S3 has them: DeleteObject's {@code If-Match} (ETags
 * or {@code *}), {@code x-amz-if-match-size} and {@code x-amz-if-match-last-modified-time}, and
 * the same as a DeleteObjects entry's {@code ETag}, {@code Size} and {@code LastModifiedTime}.
 * Each needs an object under the key (404 NoSuchKey when there is none) whose ETag, size and
 * modification time (to the second, as HTTP dates carry it) are those named; otherwise 412
 * PreconditionFailed. {@code If-None-Match} means nothing on a delete and is not read. The caller
 * evaluates them under the key's lock, in the transaction that deletes the row.
 */
public record DeleteConditions(String ifMatch, Long size, OffsetDateTime lastModified) {

    /** DeleteObject's conditions; empty when it has none (the unconditional delete needs no lookup). */
    public static Optional<DeleteConditions> of(MultiMap headers) {
        return of(headers.get("If-Match"), headers.get("x-amz-if-match-size"), headers.get("x-amz-if-match-last-modified-time"),
                DeleteConditions::httpDate);
    }

    /** A DeleteObjects entry's conditions (its {@code Object} element's children); empty when it has none. */
    public static Optional<DeleteConditions> ofEntry(Map<String, String> entry) {
        return of(entry.get("ETag"), entry.get("Size"), entry.get("LastModifiedTime"), DeleteConditions::isoDate);
    }

    private static Optional<DeleteConditions> of(String ifMatch, String size, String lastModified,
                                                 Function<String, OffsetDateTime> dates) {
        String etag = blankToNull(ifMatch);
        String sizeText = blankToNull(size);
        String time = blankToNull(lastModified);
        if (etag == null && sizeText == null && time == null) {
            return Optional.empty();
        }
        Long bytes = null;
        if (sizeText != null) {
            try {
                bytes = Long.parseLong(sizeText.trim());
            } catch (NumberFormatException e) {
                throw S3Exception.invalidArgument("The size precondition must be a whole number of bytes");
            }
        }
        return Optional.of(new DeleteConditions(etag, bytes, time == null ? null : dates.apply(time.trim())));
    }

    /**
     * Throws unless the object under {@code key} may be deleted: {@code etag} (unquoted),
     * {@code objectSize} and {@code modified} are the object's, {@code etag} null when the key has
     * no object.
     */
    public void check(String key, String etag, long objectSize, OffsetDateTime modified) {
        if (etag == null) {
            throw S3Exception.noSuchKey(key);
        }
        if (ifMatch != null && !Preconditions.etagMatches(ifMatch, etag)) {
            throw Preconditions.preconditionFailed();
        }
        if (size != null && size != objectSize) {
            throw Preconditions.preconditionFailed();
        }
        if (lastModified != null && !lastModified.toInstant().equals(modified.toInstant().truncatedTo(ChronoUnit.SECONDS))) {
            throw Preconditions.preconditionFailed();
        }
    }

    private static OffsetDateTime httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toOffsetDateTime();
        } catch (DateTimeParseException e) {
            throw S3Exception.invalidArgument("x-amz-if-match-last-modified-time must be an HTTP date");
        }
    }

    private static OffsetDateTime isoDate(String value) {
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException e) {
            throw S3Exception.invalidArgument("LastModifiedTime must be an ISO 8601 time");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
