package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.tuneops.local.LocalServers;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Redis stops and comes back. Upload credentials live only in Redis (webhook-service writes them,
 * revocation deletes them), so while it is down no signed request can be authenticated: each one is
 * refused with 503 ServiceUnavailable, which S3 clients retry with back-off, and nothing is stored.
 * Reads by administrators (vouched for by the gateway, no Redis involved) keep working. Once Redis
 * is back (with its append-only file, as in production) the same credential works again, with no
 * restart of storage-service.
 */
@QuarkusTest
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest {

    /** PostgreSQL shared with the other tests, a Redis of this test's own that it can stop. */
    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Servers.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    public static class Servers implements QuarkusTestResourceLifecycleManager {
        static final int PORT = LocalServers.freePort();
        static final Path DATA = dataDirectory();
        static RedisServer redis;

        @Override
        public Map<String, String> start() {
            redis = LocalServers.startRedis(DATA, PORT);
            // the shared PostgreSQL as every test gets it, with this Redis instead of the shared one
            Map<String, String> config = new HashMap<>(new EmbeddedServersTestResource().start());
            config.put("quarkus.redis.hosts", "redis://127.0.0.1:" + PORT);
            return config;
        }

        @Override
        public void stop() {
            try {
                redis.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Path dataDirectory() {
            try {
                return Files.createTempDirectory(Path.of("target").toAbsolutePath(), "redis-outage");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    RedisDataSource redisClient;

    @Test
    void signedRequestsAre503WhileRedisIsDownAdministratorsStillReadAndEverythingRecovers() throws Exception {
        Credential c = S3TestSupport.issue(redisClient);
        byte[] before = SdkObjectsTest.random(70_000);
        byte[] after = SdkObjectsTest.random(50_000);
        String stored = c.prefix() + "before-outage.bin";
        String refused = c.prefix() + "during-outage.bin";
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(stored), RequestBody.fromBytes(before));

            // Redis appends every write to its file before it answers: the credential survives the restart
            Servers.redis.stop();

            S3Exception put = assertThrows(S3Exception.class,
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(refused), RequestBody.fromBytes(after)));
            assertEquals(503, put.statusCode(), put.toString());
            assertEquals("ServiceUnavailable", put.awsErrorDetails().errorCode());
            assertEquals("5", put.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After").orElse(null));
            S3Exception get = assertThrows(S3Exception.class,
                    () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(stored)));
            assertEquals(503, get.statusCode());
            assertFalse(Files.exists(S3TestSupport.onDisk(refused)));
            S3SecurityTest.assertNoTemporaryFilesLeft();

            // an operator's download needs no credential lookup
            RestAssured.given().header("X-Tuneops-Gateway-Secret", S3TestSupport.GATEWAY_SECRET)
                    .header("X-Tuneops-Actor", "key-1").header("X-Tuneops-Scopes", "viewer")
                    .get("/api/cloud/storage/outputs/" + stored)
                    .then().statusCode(200).header("Content-Length", equalTo(Integer.toString(before.length)));

            Servers.redis = LocalServers.startRedis(Servers.DATA, Servers.PORT);

            // the same client, the same credential: the SDK's own retries cover the reconnect
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(refused), RequestBody.fromBytes(after));
            assertArrayEquals(after, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(refused)).asByteArray());
            assertArrayEquals(before, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(stored)).asByteArray());
        }
    }
}
