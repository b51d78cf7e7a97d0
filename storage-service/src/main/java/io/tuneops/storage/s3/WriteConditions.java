package io.tuneops.storage.s3;

import io.vertx.core.MultiMap;

import java.util.Optional;

/**
 * The conditional headers of a write (PutObject, CompleteMultipartUpload), about the object the
 * write would replace: {@code If-Match} (ETags or {@code *}) needs an object whose ETag matches,
 * and answers 404 NoSuchKey when there is none, as S3 does; {@code If-None-Match} ({@code *} or
 * ETags) needs no object, or one whose ETag matches none of them. Otherwise 412
 * PreconditionFailed. The caller evaluates them under the key's lock, in the transaction that
 * commits the write, so of two writers racing with {@code If-None-Match: *} exactly one wins.
 */
public record WriteConditions(String ifMatch, String ifNoneMatch) {

    /** The request's conditions; empty when it has none (the unconditional write needs no lookup). */
    public static Optional<WriteConditions> of(MultiMap headers) {
        String ifMatch = headers.get("If-Match");
        String ifNoneMatch = headers.get("If-None-Match");
        if (ifMatch == null && ifNoneMatch == null) {
            return Optional.empty();
        }
        return Optional.of(new WriteConditions(blankToNull(ifMatch), blankToNull(ifNoneMatch)));
    }

    /**
     * Throws unless the write may replace {@code currentEtag} (unquoted; null when the key has no
     * object).
     */
    public void check(String key, String currentEtag) {
        if (ifMatch != null) {
            if (currentEtag == null) {
                throw S3Exception.noSuchKey(key);
            }
            if (!Preconditions.etagMatches(ifMatch, currentEtag)) {
                throw Preconditions.preconditionFailed();
            }
        }
        if (ifNoneMatch != null && currentEtag != null && Preconditions.etagMatches(ifNoneMatch, currentEtag)) {
            throw Preconditions.preconditionFailed();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
