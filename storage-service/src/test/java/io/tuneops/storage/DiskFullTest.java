package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import io.tuneops.storage.s3.BodyReader;
import io.tuneops.storage.s3.S3Exception;
import io.tuneops.storage.service.FileSink;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.storage.service.TempFiles;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full volume, for real and without root: the free-space reserve is set above what the disk has,
 * so every upload meets a "full" volume and must be refused with 507 InsufficientStorage, leaving
 * nothing behind; and the kernel's own ENOSPC ("No space left on device", from /dev/full, which
 * every Linux has) written through the same file APIs the uploads use maps to the same error.
 */
@QuarkusTest
@TestProfile(DiskFullTest.NoRoom.class)
@WithTestResource(EmbeddedServersTestResource.class)
class DiskFullTest {

    public static class NoRoom implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // more than any disk has: the volume is "full" for every upload
            return Map.of("tuneops.storage.min-free-space", Long.toString(Long.MAX_VALUE / 2));
        }
    }

    static final Path DEV_FULL = Path.of("/dev/full");

    @Inject
    RedisDataSource redis;

    @Inject
    Vertx vertx;

    @Inject
    ObjectStore store;

    @Inject
    TempFiles temps;

    @Test
    void uploadsAndPartsOnAFullVolumeAreInsufficientStorageAndNothingIsStored() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "checkpoint/model.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            software.amazon.awssdk.services.s3.model.S3Exception put = assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(key), RequestBody.fromBytes(SdkObjectsTest.random(4096))));
            assertEquals(507, put.statusCode(), put.toString());
            assertEquals("InsufficientStorage", put.awsErrorDetails().errorCode());

            String upload = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
            software.amazon.awssdk.services.s3.model.S3Exception part = assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
                    () -> s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(upload).partNumber(1),
                            RequestBody.fromBytes(SdkObjectsTest.random(4096))));
            assertEquals(507, part.statusCode());
            assertEquals("InsufficientStorage", part.awsErrorDetails().errorCode());
            assertEquals(0, s3.listParts(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(upload)).parts().size());
            s3.abortMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(upload));

            assertEquals(404, assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
                    () -> s3.headObject(b -> b.bucket(S3TestSupport.BUCKET).key(key))).statusCode());
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())).contents().size());
        }
        assertFalse(Files.exists(S3TestSupport.onDisk(key)));
        S3SecurityTest.assertNoTemporaryFilesLeft();
    }

    @Test
    void aCompletionOrCopyWithoutRoomLeavesNoTemporaryFileInFlight() throws Exception {
        int before = temps.inFlightCount();
        Throwable joined = store.concatenate(List.of(), null).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertInsufficientStorage((RuntimeException) rootCause(joined));
        Throwable copied = store.copyRange(FileChannel.open(DEV_FULL, StandardOpenOption.READ), 0, 4096, null).toCompletionStage().toCompletableFuture()
                .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertInsufficientStorage((RuntimeException) rootCause(copied));
        assertEquals(before, temps.inFlightCount(), "the refused work's temporary paths are released");
    }

    @Test
    void theKernelsNoSpaceLeftWhileStreamingIsInsufficientStorageAndTheTemporaryFileIsDeleted() throws Exception {
        assertTrue(Files.isWritable(DEV_FULL), "/dev/full is part of every Linux system");
        // the upload path: a body streamed through the file sink into an AsyncFile that hits ENOSPC
        Path temp = store.newTempPath();
        Files.createFile(temp);
        AsyncFile full = vertx.fileSystem().open(DEV_FULL.toString(), new OpenOptions().setWrite(true).setCreate(false))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        BodyReader.Sink sink = new FileSink(vertx, full, temp);
        Throwable streamed = sink.write(Buffer.buffer(new byte[FileSink.BATCH_BYTES]))
                .toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertTrue(streamed != null && String.valueOf(rootCause(streamed)).contains("No space left on device"), String.valueOf(streamed));
        assertInsufficientStorage(ObjectStore.translate(streamed));
        // what the upload does with a failed body: close the file, delete the temporary file
        store.discard(full, temp).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(temp));

        // the multipart completion and copy path: FileChannel writes
        IOException written = assertThrows(IOException.class, () -> {
            try (FileChannel channel = FileChannel.open(DEV_FULL, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.allocate(64 * 1024));
                channel.force(true);
            }
        });
        assertTrue(written.getMessage().contains("No space left on device"), written.toString());
        assertInsufficientStorage(ObjectStore.translate(written));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static void assertInsufficientStorage(RuntimeException translated) {
        S3Exception s3 = assertInstanceOf(S3Exception.class, translated);
        assertEquals(507, s3.status());
        assertEquals("InsufficientStorage", s3.code());
    }
}
