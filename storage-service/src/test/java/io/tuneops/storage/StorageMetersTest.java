package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The storage meters on /q/metrics (what the storage dashboard and the storage error alert read). */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class StorageMetersTest {

    @Inject
    RedisDataSource redis;

    /** The value of the one series of {@code name} whose labels include {@code labels} (exact "k=\"v\"" pairs), or 0 when none. */
    private static double value(String name, String... labels) {
        Double v = find(name, labels);
        if (v == null) {
            throw new AssertionError(name + " " + String.join(",", labels) + " is not exported");
        }
        return v;
    }

    private static Double find(String name, String... labels) {
        String text = RestAssured.given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
        StringBuilder lookaheads = new StringBuilder();
        for (String label : labels) {
            lookaheads.append("(?=[^}]*").append(Pattern.quote(label)).append(")");
        }
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(?:\\{" + lookaheads + "[^}]*})? (\\S+)$", Pattern.MULTILINE)
                .matcher(text);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    @Test
    void bytesObjectsAndErrorsAreCounted() {
        // registered at start: exported before any traffic
        double received = value("tuneops_storage_received_bytes_total");
        double sent = value("tuneops_storage_sent_bytes_total");
        double puts = value("tuneops_storage_objects_completed_total", "action=\"put\"");
        double putBytes = value("tuneops_storage_object_size_bytes_sum", "action=\"put\"");
        double denied = value("tuneops_storage_errors_total", "code=\"AccessDenied\"");
        Double before = find("tuneops_storage_errors_total", "code=\"NoSuchKey\"");
        double noSuchKey = before == null ? 0 : before;
        value("tuneops_storage_errors_total", "code=\"InternalError\"", "status=\"500\"");

        Credential c = S3TestSupport.issue(redis);
        byte[] body = new byte[123_457];
        new Random(7).nextBytes(body);
        try (S3Client s3 = S3TestSupport.client(c)) {
            s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "meters.bin"), RequestBody.fromBytes(body));
            assertArrayEquals(body, s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "meters.bin")).asByteArray());
            assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(S3TestSupport.BUCKET).key(c.prefix() + "missing")));
            // another job's prefix: refused
            assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(S3TestSupport.BUCKET).key("someone-else/x"),
                    RequestBody.fromBytes(body)));
        }

        assertEquals(received + body.length, value("tuneops_storage_received_bytes_total"));
        assertEquals(sent + body.length, value("tuneops_storage_sent_bytes_total"));
        assertEquals(puts + 1, value("tuneops_storage_objects_completed_total", "action=\"put\""));
        assertEquals(putBytes + body.length, value("tuneops_storage_object_size_bytes_sum", "action=\"put\""));
        assertEquals(noSuchKey + 1, value("tuneops_storage_errors_total", "code=\"NoSuchKey\"", "status=\"404\""));
        assertEquals(denied + 1, value("tuneops_storage_errors_total", "code=\"AccessDenied\""));
    }
}
