package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What S3 clients and conformance suites rely on, through the gateway with the AWS SDK's defaults
 * and a job's own credentials: conditional writes, a retried completion, object attributes,
 * stored headers as sent, and keys that are not paths. Also the JSON APIs' refusal of ambiguous
 * addresses and numbers that are not finite, which change nothing.
 */
@ExtendWith(Suite.Extension.class)
class S3ConformanceIT {

    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @Test
    void conditionalWritesAndARetriedCompletionBehaveAsOnS3() {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "s3-conditional-writes");
        String key = job.prefix() + "checkpoints/latest.json";
        try (S3Client s3 = job.sdk()) {
            String first = s3.putObject(b -> b.bucket(job.bucket()).key(key).ifNoneMatch("*"),
                    RequestBody.fromString("{\"step\": 100}")).eTag();
            S3Exception exists = assertThrows(S3Exception.class, () -> s3.putObject(
                    b -> b.bucket(job.bucket()).key(key).ifNoneMatch("*"), RequestBody.fromString("{\"step\": 200}")));
            assertEquals(412, exists.statusCode());
            assertEquals("PreconditionFailed", exists.awsErrorDetails().errorCode());
            S3Exception stale = assertThrows(S3Exception.class, () -> s3.putObject(
                    b -> b.bucket(job.bucket()).key(key).ifMatch("\"0123456789abcdef0123456789abcdef\""),
                    RequestBody.fromString("{\"step\": 300}")));
            assertEquals(412, stale.statusCode());
            // neither refused write changed the object; one matching the current ETag does
            assertEquals("{\"step\": 100}", s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(key)).asUtf8String());
            s3.putObject(b -> b.bucket(job.bucket()).key(key).ifMatch(first), RequestBody.fromString("{\"step\": 400}"));
            assertEquals("{\"step\": 400}", s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(key)).asUtf8String());

            String merged = job.prefix() + "model/merged.safetensors";
            String uploadId = s3.createMultipartUpload(b -> b.bucket(job.bucket()).key(merged)).uploadId();
            String part = s3.uploadPart(b -> b.bucket(job.bucket()).key(merged).uploadId(uploadId).partNumber(1),
                    RequestBody.fromBytes(new byte[1024])).eTag();
            CompletedPart completed = CompletedPart.builder().partNumber(1).eTag(part).build();
            String etag = s3.completeMultipartUpload(b -> b.bucket(job.bucket()).key(merged).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed))).eTag();
            // a client retrying after a lost answer gets the same answer, not NoSuchUpload
            String again = s3.completeMultipartUpload(b -> b.bucket(job.bucket()).key(merged).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed))).eTag();
            assertEquals(etag, again);

            GetObjectAttributesResponse attributes = s3.getObjectAttributes(b -> b.bucket(job.bucket()).key(merged)
                    .objectAttributes(ObjectAttributes.E_TAG, ObjectAttributes.OBJECT_SIZE, ObjectAttributes.OBJECT_PARTS));
            assertEquals(1024L, attributes.objectSize());
            assertEquals(etag.replace("\"", ""), attributes.eTag());
            assertEquals(1, attributes.objectParts().totalPartsCount());
        }
    }

    @Test
    void keysAreNotPathsAndStoredHeadersComeBackAsSent() {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "s3-keys-not-paths");
        String parent = job.prefix() + "logs/run";
        try (S3Client s3 = job.sdk()) {
            s3.putObject(b -> b.bucket(job.bucket()).key(parent).contentEncoding("deflate, gzip"),
                    RequestBody.fromString("parent"));
            s3.putObject(b -> b.bucket(job.bucket()).key(parent + "/stdout.txt"), RequestBody.fromString("child"));

            assertEquals("parent", s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(parent)).asUtf8String());
            assertEquals("child", s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(parent + "/stdout.txt")).asUtf8String());
            assertEquals("deflate, gzip", s3.headObject(b -> b.bucket(job.bucket()).key(parent)).contentEncoding());

            ListObjectsV2Response listing = s3.listObjectsV2(b -> b.bucket(job.bucket()).prefix(job.prefix() + "logs/").delimiter("/"));
            assertEquals(java.util.List.of(parent), listing.contents().stream().map(S3Object::key).toList());
            assertEquals(java.util.List.of(parent + "/"), listing.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        }
    }

    @Test
    void ambiguousAddressesAndNumbersThatAreNotFiniteAreRefusedNamingTheEntry() {
        String before = allowlist();
        for (String entry : new String[] {"0177.0.0.1", "127.1", "0x7f.0.0.1", "10.0.0.0/08"}) {
            Http.Reply refused = Http.request("PUT", suite.gateway("/api/cloud/providers/replicate"),
                    "{\"webhook_allowed_ips\": [\"" + entry + "\"]}", "Authorization", "Bearer " + Suite.ADMIN_TOKEN,
                    "Content-Type", "application/json", "X-Forwarded-For", client);
            assertEquals(400, refused.status(), entry + ": " + refused.body());
            assertTrue(refused.body().contains("'" + entry + "'"), refused.body());
        }
        assertEquals(before, allowlist());

        Http.Reply infinite = Http.request("POST", suite.gateway("/api/cloud/jobs/submit?provider=generic"),
                "{\"name\": \"not finite\", \"input\": {\"learning_rate\": 1e999999}}",
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "Content-Type", "application/json", "X-Forwarded-For", client);
        assertEquals(400, infinite.status(), infinite.body());
        assertTrue(infinite.json().get("detail").asText().contains("input.learning_rate"), infinite.body());
    }

    private String allowlist() {
        Http.Reply provider = Http.get(suite.gateway("/api/cloud/providers/replicate"), "X-Forwarded-For", client);
        assertEquals(200, provider.status(), provider.body());
        return String.valueOf(provider.json().get("webhook_allowed_ips"));
    }
}
