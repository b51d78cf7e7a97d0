package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Parts of one size are written into their upload's assembly file, each at its place, and a
 * completion that joins them as they are renames that file into place instead of copying the
 * parts (docs/storage.md, "Multipart uploads"); anything else falls back to the copy.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class PartsInPlaceTest {

    static final int MB = 1024 * 1024;
    static final Path UPLOADS = Path.of("target/test-outputs/.tuneops-multipart");

    @Inject
    RedisDataSource redis;

    @Test
    void partsOfOneSizeBecomeTheObjectWhereTheyWereWritten() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "in-place.bin";
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(5 * MB);
        byte[] p3 = SdkObjectsTest.random(1000);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = create(s3, key);
            // the second part first: whichever comes first sets the size the places are cut to
            String e2 = upload(s3, key, id, 2, p2);
            String e1 = upload(s3, key, id, 1, p1);
            String e3 = upload(s3, key, id, 3, p3);
            assertEquals(List.of("assembly"), filesOf(id), "every part in the assembly file, none in a file of its own");
            Object assembly = assemblyInode(id);

            complete(s3, key, id, List.of(part(1, e1), part(2, e2), part(3, e3)));

            assertArrayEquals(join(p1, p2, p3), Files.readAllBytes(S3TestSupport.onDisk(key)));
            assertEquals(assembly, inode(S3TestSupport.onDisk(key)), "the assembly file itself became the object");
            assertArrayEquals(join(p1, p2, p3), s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(key)).asByteArray());
            assertEquals(false, Files.exists(UPLOADS.resolve(id)));
        }
    }

    @Test
    void aPartSentAgainIsTakenFromItsOwnFile() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "sent-again.bin";
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(5 * MB);
        byte[] again = SdkObjectsTest.random(5 * MB);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = create(s3, key);
            String e1 = upload(s3, key, id, 1, p1);
            upload(s3, key, id, 2, p2);
            String e2 = upload(s3, key, id, 2, again);
            assertEquals(List.of("2", "assembly"), filesOf(id));
            Object assembly = assemblyInode(id);

            complete(s3, key, id, List.of(part(1, e1), part(2, e2)));

            assertArrayEquals(join(p1, again), Files.readAllBytes(S3TestSupport.onDisk(key)));
            assertNotEquals(assembly, inode(S3TestSupport.onDisk(key)), "copied: the assembly file holds the part's first bytes");
        }
    }

    @Test
    void aFailedPartLeavesItsPlaceToTheNextAttemptAndWhatItWroteIsCutOff() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "failed-part.bin";
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(5 * MB);
        byte[] late = SdkObjectsTest.random(MB);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = create(s3, key);
            String e1 = upload(s3, key, id, 1, p1);
            S3Exception bad = assertThrows(S3Exception.class, () -> s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key)
                    .uploadId(id).partNumber(2).checksumCRC32("AAAAAA=="), RequestBody.fromBytes(p2)));
            assertEquals("BadDigest", bad.awsErrorDetails().errorCode());
            String e2 = upload(s3, key, id, 2, p2);
            // a third part that fails after writing its bytes past the end of the object
            assertThrows(S3Exception.class, () -> s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key)
                    .uploadId(id).partNumber(3).checksumCRC32("AAAAAA=="), RequestBody.fromBytes(late)));
            assertEquals(List.of("assembly"), filesOf(id), "the second attempt took the place the first gave up");
            Object assembly = assemblyInode(id);

            complete(s3, key, id, List.of(part(1, e1), part(2, e2)));

            assertEquals(assembly, inode(S3TestSupport.onDisk(key)));
            assertEquals(10L * MB, Files.size(S3TestSupport.onDisk(key)), "the failed third part's bytes are cut off");
            assertArrayEquals(join(p1, p2), Files.readAllBytes(S3TestSupport.onDisk(key)));
        }
    }

    @Test
    void aCompletionWithoutEveryPlacedPartCopiesTheOnesItNames() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "fewer-parts.bin";
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(5 * MB);
        byte[] p3 = SdkObjectsTest.random(5 * MB);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = create(s3, key);
            String e1 = upload(s3, key, id, 1, p1);
            upload(s3, key, id, 2, p2);
            String e3 = upload(s3, key, id, 3, p3);
            Object assembly = assemblyInode(id);

            complete(s3, key, id, List.of(part(1, e1), part(3, e3)));

            assertArrayEquals(join(p1, p3), Files.readAllBytes(S3TestSupport.onDisk(key)));
            assertNotEquals(assembly, inode(S3TestSupport.onDisk(key)));
        }
    }

    @Test
    void aPartSentAfterACompletionBeganGoesIntoItsOwnFile() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "after-completion.bin";
        byte[] p1 = SdkObjectsTest.random(5 * MB);
        byte[] p2 = SdkObjectsTest.random(5 * MB);
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32).checksumType(ChecksumType.FULL_OBJECT)).uploadId();
            String e1 = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(1)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(p1)).eTag();
            // refused once the object's bytes are read, after the completion closed the upload to claims
            S3Exception refused = assertThrows(S3Exception.class, () -> s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET)
                    .key(key).uploadId(id).checksumType(ChecksumType.FULL_OBJECT).checksumCRC32("AAAAAA==")
                    .multipartUpload(m -> m.parts(List.of(part(1, e1))))));
            assertEquals("BadDigest", refused.awsErrorDetails().errorCode());
            String e2 = s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(2)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(p2)).eTag();
            assertEquals(List.of("2", "assembly"), filesOf(id), "no place is claimed once a completion has begun");

            CRC32 crc = new CRC32();
            crc.update(join(p1, p2));
            String whole = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).checksumType(ChecksumType.FULL_OBJECT)
                    .checksumCRC32(whole).multipartUpload(m -> m.parts(List.of(part(1, e1), part(2, e2)))));

            assertArrayEquals(join(p1, p2), Files.readAllBytes(S3TestSupport.onDisk(key)));
        }
    }

    private static String create(S3Client s3, String key) {
        return s3.createMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key)).uploadId();
    }

    static String upload(S3Client s3, String key, String id, int number, byte[] body) {
        return s3.uploadPart(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).partNumber(number),
                RequestBody.fromBytes(body)).eTag();
    }

    private static void complete(S3Client s3, String key, String id, List<CompletedPart> parts) {
        s3.completeMultipartUpload(b -> b.bucket(S3TestSupport.BUCKET).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));
    }

    private static CompletedPart part(int n, String etag) {
        return CompletedPart.builder().partNumber(n).eTag(etag).build();
    }

    /** The names of the upload's files, a part's file of its own by its part number. */
    private static List<String> filesOf(String uploadId) throws Exception {
        try (Stream<Path> files = Files.list(UPLOADS.resolve(uploadId))) {
            List<String> names = new ArrayList<>(files.map(p -> p.getFileName().toString().replaceFirst("-[0-9a-f-]{36}$", "")).toList());
            names.sort(null);
            return names;
        }
    }

    private static Object assemblyInode(String uploadId) throws Exception {
        return inode(UPLOADS.resolve(uploadId).resolve("assembly"));
    }

    private static Object inode(Path file) throws Exception {
        return Files.getAttribute(file, "unix:ino");
    }

    static byte[] join(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
