package io.tuneops.storage.rest;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.s3.BodyReader;
import io.tuneops.storage.s3.Checksums;
import io.tuneops.storage.s3.HeaderValues;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.service.AssemblyFile;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.StorageMeters;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Receiving bodies: into a temporary file (objects, parts) or into memory (small XML requests). */
@ApplicationScoped
class Uploads {

    /**
     * A body received in full and checked, on its way into the temporary file {@code temp}:
     * {@code written} completes once the file is sealed (already for a streamed body; a small body
     * received in memory is still being written, so the caller's database work can overlap it).
     */
    record Received(Path temp, BodyReader.Result result, Future<Void> written) {
    }

    /** S3's limit on an object's user metadata: its names (without x-amz-meta-) and values, in bytes. */
    static final int MAX_METADATA_BYTES = 2048;

    /** Bodies up to this size are received in memory and written in one step: at most this much heap per upload. */
    static final int SMALL_BODY_BYTES = 256 * 1024;

    private final ObjectStore store;
    private final AssemblyFile assembly;
    private final StorageMeters meters;

    Uploads(ObjectStore store, AssemblyFile assembly, StorageMeters meters) {
        this.store = store;
        this.assembly = assembly;
        this.meters = meters;
    }

    /** Refuses a body that announces more than {@code max} bytes before any of it is read. */
    static void checkAnnouncedSize(S3Call call, long max) {
        long declared = announcedSize(call);
        if (declared > max) {
            throw new S3Exception(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.");
        }
        if (declared < 0 && !call.headers().contains("Transfer-Encoding")) {
            throw new S3Exception(411, "MissingContentLength", "You must provide the Content-Length HTTP header.");
        }
    }

    /** The object's size as the request announces it (the decoded length of an aws-chunked body), -1 if it does not. */
    static long announcedSize(S3Call call) {
        long decoded = lengthHeader(call, "x-amz-decoded-content-length");
        return decoded >= 0 ? decoded : lengthHeader(call, "Content-Length");
    }

    /** A length header's value, -1 when it is absent. */
    private static long lengthHeader(S3Call call, String name) {
        String value = call.headers().get(name);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw S3Exception.invalidArgument("Content-Length is not a number");
        }
    }

    /** Answers Expect: 100-continue: only called once authentication and permissions passed. */
    static void proceed(S3Call call) {
        String expect = call.headers().get("Expect");
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            call.response().writeContinue();
        }
    }

    /**
     * Streams the body into a new temporary file, checked against the request's digests; on any
     * failure the file is deleted and the failure passed on. A volume without room for the
     * announced size is 507 before 100 Continue, so a client waiting for it sends nothing. A body
     * of at most {@link #SMALL_BODY_BYTES} (its Content-Length) is received in memory and written
     * in one step instead; its room is checked then, after 100 Continue.
     */
    Uni<Received> toTempFile(S3Call call, long maxSize, Checksums.Algorithm required) {
        BodyReader.Expectations expect = BodyReader.Expectations.of(call.signed, call.headers(), maxSize, required, true);
        Path temp = store.newTempPath();
        long sent = lengthHeader(call, "Content-Length");
        long announced = announcedSize(call);
        // started from a completed future, so that anything thrown on the way still releases the path
        Future<Received> received = Future.succeededFuture().compose(v -> sent >= 0 && sent <= SMALL_BODY_BYTES
                ? smallToTempFile(call, expect, temp, (int) sent)
                : store.openTemp(temp, announced).compose(file -> stream(call, expect, file, store.sink(file, temp)))
                .map(result -> new Received(temp, result, Future.succeededFuture())));
        // every failure, whichever step it came from, ends here: the temporary file goes
        return UniHelper.toUni(received.recover(e -> store.deleteFile(temp).compose(x -> Future.failedFuture(e))));
    }

    private Future<Received> smallToTempFile(S3Call call, BodyReader.Expectations expect, Path temp, int sent) {
        Buffer into = Buffer.buffer(sent);
        return receiveSmall(call, expect, into, sent).map(result -> new Received(temp, result, store.writeTemp(temp, into)));
    }

    /** Receives a body of at most {@code sent} bytes into {@code into}, answering Expect: 100-continue first. */
    private Future<BodyReader.Result> receiveSmall(S3Call call, BodyReader.Expectations expect, Buffer into, int sent) {
        // the decoded body (of an aws-chunked one) is never longer than what was sent
        proceed(call);
        return BodyReader.read(call.request(), expect, BodyReader.Sink.memory(into, sent)).map(result -> received(call, result));
    }

    /**
     * Streams the body through {@code sink} into {@code file}, answering Expect: 100-continue
     * first; seals the file once the body is in and checked, or closes it on a failure (closing
     * waits for the writes in flight: once it is done, nothing writes in the file any more).
     */
    private Future<BodyReader.Result> stream(S3Call call, BodyReader.Expectations expect, AsyncFile file, BodyReader.Sink sink) {
        proceed(call);
        return BodyReader.read(call.request(), expect, sink)
                .compose(result -> store.seal(file).map(received(call, result)))
                .recover(e -> file.close().otherwise((Void) null).compose(x -> Future.failedFuture(e)));
    }

    private BodyReader.Result received(S3Call call, BodyReader.Result result) {
        call.bodyConsumed = true;
        meters.received(result.size());
        return result;
    }

    /**
     * The size a body will have once decoded, when the request says so before it arrives: the
     * decoded length of an aws-chunked body, the Content-Length of any other; -1 when it does not.
     */
    static long bodySize(S3Call call) {
        boolean awsChunked = call.signed != null && switch (call.signed.request().payload()) {
            case STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER -> true;
            case UNSIGNED, SHA256 -> false;
        };
        return lengthHeader(call, awsChunked ? "x-amz-decoded-content-length" : "Content-Length");
    }

    /**
     * Receives a part's body of {@link #bodySize} {@code length} into its place in the upload's
     * assembly file, at {@code offset}, with the checks of {@link #toTempFile}; no byte past
     * {@code length} is written (the next part's place begins there). Completes once the bytes
     * and the file's name are on disk. A failed body leaves what it wrote in its place, which no
     * recorded part describes.
     */
    Uni<BodyReader.Result> toAssembly(S3Call call, long maxSize, long length, Checksums.Algorithm required, String uploadId,
                                      long offset) {
        BodyReader.Expectations expect = BodyReader.Expectations.of(call.signed, call.headers(), maxSize, required, true);
        long sent = lengthHeader(call, "Content-Length");
        Future<BodyReader.Result> received = Future.succeededFuture().compose(v -> {
            if (sent >= 0 && sent <= SMALL_BODY_BYTES) {
                Buffer into = Buffer.buffer((int) sent);
                return receiveSmall(call, expect, into, (int) sent)
                        .compose(result -> assembly.write(uploadId, offset, into).map(result));
            }
            return assembly.open(uploadId, offset, length).compose(file -> stream(call, expect, file,
                    BodyReader.Sink.bounded(store.sink(file, assembly.path(uploadId)), length)));
        });
        return UniHelper.toUni(received.compose(result -> assembly.syncFolders(uploadId).map(result)));
    }

    /**
     * Deletes the temporary file of a body that will not be published. A write still in flight
     * (a stalled disk) deletes it when it ends, without holding up the answer.
     */
    Uni<Void> discard(Path temp, Future<Void> written) {
        if (!written.isComplete()) {
            written.onComplete(x -> store.deleteFile(temp));
            return Uni.createFrom().voidItem();
        }
        return UniHelper.toUni(store.deleteFile(temp));
    }

    /**
     * Reads a small body (an XML request) into memory, with the same checks; unless
     * {@code checksumHeadersDescribeBody}, x-amz-checksum-* headers are about something else
     * (CompleteMultipartUpload: the whole object) and are left to the caller.
     */
    Uni<byte[]> toMemory(S3Call call, int limit, boolean checksumHeadersDescribeBody) {
        BodyReader.Expectations expect = BodyReader.Expectations.of(call.signed, call.headers(), limit, null,
                checksumHeadersDescribeBody);
        Buffer into = Buffer.buffer();
        proceed(call);
        return UniHelper.toUni(BodyReader.read(call.request(), expect, BodyReader.Sink.memory(into, limit)))
                .map(result -> {
                    call.bodyConsumed = true;
                    return into.getBytes();
                });
    }

    /**
     * The headers an object keeps and returns: user metadata and the standard representation
     * headers, byte for byte as sent (a header sent twice keeps both values, comma-separated, as
     * S3 combines them). User metadata is kept as the text its UTF-8 bytes spell (see
     * {@link HeaderValues#metadataFromWire}); aws-chunked is dropped from Content-Encoding.
     */
    static JsonObject storedHeaders(MultiMap headers) {
        JsonObject out = new JsonObject();
        int metadataBytes = 0;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            String value;
            if (name.startsWith("x-amz-meta-")) {
                // a header's characters are its bytes (ISO-8859-1), as S3 counts them
                metadataBytes += name.length() - "x-amz-meta-".length() + h.getValue().length();
                if (metadataBytes > MAX_METADATA_BYTES) {
                    throw new S3Exception(400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.");
                }
                value = HeaderValues.metadataFromWire(h.getValue());
            } else if (name.equals("cache-control") || name.equals("content-disposition") || name.equals("content-language")
                    || name.equals("expires")) {
                value = h.getValue();
            } else if (name.equals("content-encoding")) {
                value = HeaderValues.withoutAwsChunked(h.getValue());
            } else {
                continue;
            }
            if (value != null) {
                String before = out.getString(name);
                out.put(name, before == null ? value : before + "," + value);
            }
        }
        return out;
    }

    static String contentType(MultiMap headers) {
        String type = headers.get("Content-Type");
        return type == null || type.isBlank() ? "binary/octet-stream" : type;
    }
}
