package io.tuneops.storage;

import io.quarkus.arc.Arc;
import io.quarkus.redis.datasource.RedisDataSource;
import io.restassured.RestAssured;
import io.tuneops.storage.service.ObjectKeys;
import io.tuneops.storage.service.ObjectStore;
import io.tuneops.support.SharedNames;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Upload credentials written to Redis exactly as webhook-service publishes them, and AWS SDK
 * clients with default settings pointed at the endpoint (path-style, as the guide's URLs are).
 */
final class S3TestSupport {

    static final String BUCKET = "outputs";
    static final String GATEWAY_SECRET = "test-only-internal-secret-0123456789abcdef";

    /** A job's credential as the job receives it. */
    record Credential(String accessKeyId, String secret, String jobId, String prefix) {
    }

    private S3TestSupport() {
    }

    static Credential issue(RedisDataSource redis) {
        return issue(redis, "job-" + UUID.randomUUID().toString().substring(0, 8), 3600);
    }

    /** Publishes a credential for {@code jobId} valid for {@code seconds} (Redis TTL and expires_at). */
    static Credential issue(RedisDataSource redis, String jobId, long seconds) {
        String id = "TUNE" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
        String secret = UUID.randomUUID() + "/" + UUID.randomUUID();
        publish(redis, id, secret, jobId, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(seconds).withNano(0), seconds);
        return new Credential(id, secret, jobId, jobId + "/");
    }

    static void publish(RedisDataSource redis, String id, String secret, String jobId, OffsetDateTime expires, long ttlSeconds) {
        String json = new JsonObject().put("access_key_id", id).put("secret_access_key", secret).put("job_id", jobId)
                .put("bucket", BUCKET).put("prefix", jobId + "/").put("expires_at", expires.toString()).encode();
        redis.value(String.class).setex(SharedNames.UPLOAD_CREDENTIALS_PREFIX + id, ttlSeconds, json);
    }

    /** The file holding {@code key}'s bytes in the tests' output directory (docs/storage.md, "On-disk layout"). */
    static Path onDisk(String key) {
        return ObjectKeys.resolve(Path.of("target/test-outputs").toAbsolutePath().normalize(), key);
    }

    /** Waits until the files deletes moved aside before now are removed (ObjectStore#dropAside). */
    static void awaitFileRemovals() throws Exception {
        Arc.container().instance(ObjectStore.class).get().droppedFilesRemoved()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static URI endpoint() {
        return URI.create("http://localhost:" + RestAssured.port + "/api/cloud/storage");
    }

    static StaticCredentialsProvider provider(Credential c) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(c.accessKeyId(), c.secret()));
    }

    static S3Client client(Credential c) {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(provider(c)).build();
    }

    /** A client that sends each request once: what the server answered, not what a retry found. */
    static S3Client clientWithoutRetries(Credential c) {
        return S3Client.builder().endpointOverride(endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(provider(c)).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static S3AsyncClient asyncClient(Credential c, boolean multipart) {
        return S3AsyncClient.builder().endpointOverride(endpoint()).region(Region.EU_WEST_1).forcePathStyle(true)
                .multipartEnabled(multipart).credentialsProvider(provider(c)).build();
    }

    static S3Presigner presigner(Credential c) {
        return S3Presigner.builder().endpointOverride(endpoint()).region(Region.US_WEST_2)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(provider(c)).build();
    }
}
