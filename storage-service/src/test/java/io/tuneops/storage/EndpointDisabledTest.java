package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The guide's s3_endpoint_enabled: false refuses every operation, even with valid credentials. */
@QuarkusTest
@TestProfile(EndpointDisabledTest.Disabled.class)
@WithTestResource(EmbeddedServersTestResource.class)
class EndpointDisabledTest {

    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.storage.enabled", "false");
        }
    }

    @Inject
    RedisDataSource redis;

    @Test
    void everyOperationIsAccessDenied() {
        Credential c = S3TestSupport.issue(redis);
        try (S3Client s3 = S3TestSupport.client(c)) {
            for (Runnable attempt : new Runnable[]{
                    () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "x"), RequestBody.fromString("x")),
                    () -> s3.listObjectsV2(b -> b.bucket(S3TestSupport.BUCKET).prefix(c.prefix())),
                    () -> s3.listBuckets()}) {
                S3Exception e = assertThrows(S3Exception.class, attempt::run);
                assertEquals(403, e.statusCode());
                assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            }
        }
    }
}
