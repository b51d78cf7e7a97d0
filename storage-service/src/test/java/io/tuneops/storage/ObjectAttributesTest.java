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
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.StorageClass;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GetObjectAttributes as the AWS SDK reads it. */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class ObjectAttributesTest {

    private static final String B = S3TestSupport.BUCKET;
    private static final int MB = 1024 * 1024;

    @Inject
    RedisDataSource redis;

    @Test
    void aSinglePutObjectsAttributes() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "attributes/single.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            var put = s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromBytes(SdkObjectsTest.random(1234)));
            GetObjectAttributesResponse a = s3.getObjectAttributes(b -> b.bucket(B).key(key).objectAttributes(
                    ObjectAttributes.E_TAG, ObjectAttributes.CHECKSUM, ObjectAttributes.OBJECT_PARTS, ObjectAttributes.STORAGE_CLASS,
                    ObjectAttributes.OBJECT_SIZE));
            assertEquals(put.eTag().replace("\"", ""), a.eTag(), "unquoted, as S3 answers it");
            assertEquals(1234L, a.objectSize());
            assertEquals(StorageClass.STANDARD, a.storageClass());
            assertEquals(put.checksumCRC32(), a.checksum().checksumCRC32());
            assertEquals("FULL_OBJECT", a.checksum().checksumTypeAsString());
            assertNull(a.objectParts(), "an object uploaded whole has no parts to describe");
            assertTrue(a.lastModified() != null);

            GetObjectAttributesResponse onlySize = s3.getObjectAttributes(b -> b.bucket(B).key(key)
                    .objectAttributes(ObjectAttributes.OBJECT_SIZE));
            assertEquals(1234L, onlySize.objectSize());
            assertNull(onlySize.eTag());
            assertNull(onlySize.checksum());
            assertThrows(NoSuchKeyException.class, () -> s3.getObjectAttributes(b -> b.bucket(B).key(key + ".missing")
                    .objectAttributes(ObjectAttributes.E_TAG)));
        }
    }

    @Test
    void aMultipartObjectsPartsArePagedWithTheirChecksums() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "attributes/multipart.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(B).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256)).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            List<Integer> sizes = List.of(5 * MB, 5 * MB, 777);
            for (int i = 0; i < sizes.size(); i++) {
                int number = i + 1;
                byte[] body = SdkObjectsTest.random(sizes.get(i));
                var r = s3.uploadPart(b -> b.bucket(B).key(key).uploadId(id).partNumber(number).checksumAlgorithm(ChecksumAlgorithm.SHA256),
                        RequestBody.fromBytes(body));
                parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumSHA256(r.checksumSHA256()).build());
            }
            var done = s3.completeMultipartUpload(b -> b.bucket(B).key(key).uploadId(id).multipartUpload(m -> m.parts(parts)));

            GetObjectAttributesResponse first = s3.getObjectAttributes(b -> b.bucket(B).key(key).maxParts(2)
                    .objectAttributes(ObjectAttributes.OBJECT_PARTS, ObjectAttributes.CHECKSUM, ObjectAttributes.E_TAG));
            assertEquals(done.eTag().replace("\"", ""), first.eTag());
            assertEquals(done.checksumSHA256().substring(0, done.checksumSHA256().lastIndexOf('-')), first.checksum().checksumSHA256());
            assertEquals("COMPOSITE", first.checksum().checksumTypeAsString());
            assertEquals(3, first.objectParts().totalPartsCount());
            assertTrue(first.objectParts().isTruncated());
            assertEquals(2, first.objectParts().maxParts());
            assertEquals(2, first.objectParts().nextPartNumberMarker());
            assertEquals(List.of(1, 2), first.objectParts().parts().stream().map(ObjectPart::partNumber).toList());
            assertEquals(List.of(parts.get(0).checksumSHA256(), parts.get(1).checksumSHA256()),
                    first.objectParts().parts().stream().map(ObjectPart::checksumSHA256).toList());
            assertEquals((long) 5 * MB, first.objectParts().parts().get(0).size());

            GetObjectAttributesResponse rest = s3.getObjectAttributes(b -> b.bucket(B).key(key).partNumberMarker(2)
                    .objectAttributes(ObjectAttributes.OBJECT_PARTS));
            assertFalse(rest.objectParts().isTruncated());
            assertEquals(1, rest.objectParts().parts().size());
            assertEquals(3, rest.objectParts().parts().get(0).partNumber());
            assertEquals(777L, rest.objectParts().parts().get(0).size());
            assertEquals(parts.get(2).checksumSHA256(), rest.objectParts().parts().get(0).checksumSHA256());
        }
    }

    @Test
    void aMultipartObjectWithoutChecksumsCountsItsPartsOnly() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "attributes/plain-multipart.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            String id = s3.createMultipartUpload(b -> b.bucket(B).key(key)).uploadId();
            String e1 = s3.uploadPart(b -> b.bucket(B).key(key).uploadId(id).partNumber(1), RequestBody.fromString("only part")).eTag();
            s3.completeMultipartUpload(b -> b.bucket(B).key(key).uploadId(id)
                    .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(e1).build())));
            GetObjectAttributesResponse a = s3.getObjectAttributes(b -> b.bucket(B).key(key).objectAttributes(ObjectAttributes.OBJECT_PARTS));
            assertEquals(1, a.objectParts().totalPartsCount());
            assertTrue(a.objectParts().parts().isEmpty(), "S3 lists Part elements only for parts with checksums");
        }
    }

    @Test
    void missingOrUnknownAttributesAreInvalidArgument() {
        Credential c = S3TestSupport.issue(redis);
        String key = c.prefix() + "attributes/x.txt";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(B).key(key), RequestBody.fromString("x"));
        }
        String path = "/" + B + "/" + key + "?attributes";
        HttpResponse<byte[]> none = RawS3.send(RawS3.sign(c, "GET", path, Map.of(), null, RawS3.Mode.SHA256));
        assertEquals(400, none.statusCode());
        assertTrue(RawS3.body(none).contains("<Code>InvalidArgument</Code>"), RawS3.body(none));
        HttpResponse<byte[]> unknown = RawS3.send(RawS3.sign(c, "GET", path, Map.of("x-amz-object-attributes", "ETag,Colour"), null,
                RawS3.Mode.SHA256));
        assertEquals(400, unknown.statusCode());
        HttpResponse<byte[]> ok = RawS3.send(RawS3.sign(c, "GET", path, Map.of("x-amz-object-attributes", "ObjectSize"), null,
                RawS3.Mode.SHA256));
        assertEquals(200, ok.statusCode(), RawS3.body(ok));
        assertTrue(RawS3.body(ok).contains("<ObjectSize>1</ObjectSize>"), RawS3.body(ok));
        S3Exception notThere = assertThrows(S3Exception.class, () -> {
            try (S3Client s3 = S3TestSupport.client(c)) {
                s3.getObjectAttributes(b -> b.bucket(B).key(key + "-no").objectAttributes(ObjectAttributes.E_TAG));
            }
        });
        assertEquals(404, notThere.statusCode());
    }
}
