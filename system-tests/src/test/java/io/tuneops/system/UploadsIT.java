package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training job's uploads, end to end through the gateway: the submit hands out upload
 * credentials, the AWS SDK with its default settings uses them unchanged (single PUT with its
 * checksum trailer, its multipart client above 8 MB), the job view shows the progress, the
 * credential reaches nothing outside its job, and an administrator's key reads the outputs.
 */
@ExtendWith(Suite.Extension.class)
class UploadsIT {

    private static final int MB = 1024 * 1024;
    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @Test
    void aJobUploadsItsOutputsWithTheAwsSdkThroughTheGateway() throws Exception {
        StorageJob submitted = StorageJob.submit(suite.gateway(""), client, "uploads");
        String jobId = submitted.jobId();
        String bucket = submitted.bucket();
        String prefix = submitted.prefix();

        byte[] sample = new byte[300_000];
        new Random(1).nextBytes(sample);
        Path checkpoint = Files.createTempFile("checkpoint", ".safetensors");
        byte[] weights = new byte[17 * MB];
        new Random(2).nextBytes(weights);
        Files.write(checkpoint, weights);
        try (S3Client s3 = submitted.sdk(); S3AsyncClient multipart = submitted.multipartSdk()) {
            s3.putObject(b -> b.bucket(bucket).key(prefix + "samples/step-100.png"), RequestBody.fromBytes(sample));
            String etag = multipart.putObject(b -> b.bucket(bucket).key(prefix + "checkpoint-100/model.safetensors"),
                    AsyncRequestBody.fromFile(checkpoint)).join().eTag();
            assertTrue(etag.matches("\"[0-9a-f]{32}-3\""), "multipart ETag " + etag);

            assertArrayEquals(sample, s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + "samples/step-100.png")).asByteArray());
            assertEquals(2, s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().size());
            S3Exception elsewhere = assertThrows(S3Exception.class, () -> s3.putObject(
                    b -> b.bucket(bucket).key("job_someone_else/stolen.bin"), RequestBody.fromBytes(sample)));
            assertEquals(403, elsewhere.statusCode());
            assertEquals("AccessDenied", elsewhere.awsErrorDetails().errorCode());
        } finally {
            Files.delete(checkpoint);
        }

        JsonNode job = Http.request("GET", suite.gateway("/api/cloud/jobs/" + jobId), null,
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client).json();
        assertEquals(2, job.get("upload_progress").get("objects").asLong());
        assertEquals(sample.length + weights.length, job.get("upload_progress").get("bytes").asLong());
        JsonNode listed = Http.request("GET", suite.gateway("/api/cloud/jobs?limit=500"), null,
                "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client).json();
        JsonNode row = null;
        for (JsonNode candidate : listed.get("jobs")) {
            if (candidate.get("job_id").asText().equals(jobId)) {
                row = candidate;
            }
        }
        assertNotNull(row, "the job is in the list");
        assertEquals(2, row.get("upload_progress").get("objects").asLong(), "the list carries upload progress too");

        // an administrator's API key reads every job's outputs with the documented routes
        Http.Reply listing = Http.request("GET", suite.gateway("/api/cloud/storage/" + bucket + "?list-type=2&prefix=" + prefix),
                null, "Authorization", "Bearer " + Suite.ADMIN_TOKEN, "X-Forwarded-For", client);
        assertEquals(200, listing.status(), listing.body());
        assertTrue(listing.body().contains("<Key>" + prefix + "checkpoint-100/model.safetensors</Key>"), listing.body());

        // the job finishes: its credential keeps working through the grace period for the last upload
        submitted.finish("succeeded");
        try (S3Client s3 = submitted.sdk()) {
            s3.putObject(b -> b.bucket(bucket).key(prefix + "final/log.txt"), RequestBody.fromString("done"));
        }
    }
}
