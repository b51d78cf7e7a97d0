package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A conditional GET that matches is answered 304 through the gateway without a body or chunked
 * framing, so the S3 clients have their answer at once: a chunked 304 made boto3 wait its whole
 * read timeout (60 s) for a body on every matching conditional GET.
 */
@ExtendWith(Suite.Extension.class)
class BodilessAnswersIT {

    private static final Duration AT_ONCE = Duration.ofSeconds(2);
    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    // botocore's own read timeout (60 s) stays: a 304 that waits for a body shows as a slow answer
    private static final String BOTO3 = """
            import os, sys, time, boto3, botocore
            s3 = boto3.client("s3", endpoint_url=os.environ["ENDPOINT"],
                              config=botocore.config.Config(s3={"addressing_style": "path"}))
            bucket, key, etag = os.environ["BUCKET"], os.environ["KEY"], os.environ["ETAG"]
            for call in (s3.get_object, s3.head_object):
                start = time.monotonic()
                try:
                    call(Bucket=bucket, Key=key, IfNoneMatch=etag)
                    sys.exit(call.__name__ + ": answered 200, expected 304")
                except botocore.exceptions.ClientError as e:
                    status = e.response["ResponseMetadata"]["HTTPStatusCode"]
                    if status != 304:
                        sys.exit(call.__name__ + ": answered %d, expected 304" % status)
                print("%s 304 in %.3f s" % (call.__name__, time.monotonic() - start))
            start = time.monotonic()
            body = s3.get_object(Bucket=bucket, Key=key, IfNoneMatch='"not-the-etag"')["Body"].read()
            print("get_object 200 (%d bytes) in %.3f s" % (len(body), time.monotonic() - start))
            """;

    @Test
    void aMatchingConditionalGetIsAnsweredAtOnceToBoto3AndTheAwsSdk() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "bodiless-answers");
        String key = job.prefix() + "samples/step-200.png";
        String etag;
        try (S3Client s3 = job.sdk()) {
            etag = s3.putObject(b -> b.bucket(job.bucket()).key(key), RequestBody.fromBytes(new byte[4096])).eTag();

            long start = System.nanoTime();
            S3Exception get = assertThrows(S3Exception.class,
                    () -> s3.getObject(b -> b.bucket(job.bucket()).key(key).ifNoneMatch(etag)).close());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(304, get.statusCode());
            assertTrue(took.compareTo(AT_ONCE) < 0, "the SDK's conditional GET took " + took);

            start = System.nanoTime();
            S3Exception head = assertThrows(S3Exception.class,
                    () -> s3.headObject(b -> b.bucket(job.bucket()).key(key).ifNoneMatch(etag)));
            took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(304, head.statusCode());
            assertTrue(took.compareTo(AT_ONCE) < 0, "the SDK's conditional HEAD took " + took);
            // the connection the 304s came on still frames the next answer right
            assertEquals(4096, s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(key)).asByteArray().length);
        }

        // the job's credentials and nothing from this machine's AWS configuration, as StorageCliIT runs boto3
        Map<String, String> env = new HashMap<>(StorageCliIT.PythonClients.environment());
        env.putAll(Map.of("AWS_ACCESS_KEY_ID", job.accessKeyId(), "AWS_SECRET_ACCESS_KEY", job.secret(),
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", "/nonexistent/aws-config",
                "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", "AWS_EC2_METADATA_DISABLED", "true",
                "ENDPOINT", job.endpoint().toString(), "BUCKET", job.bucket(), "KEY", key, "ETAG", etag));
        long start = System.nanoTime();
        String output = ExternalCommand.succeed(Duration.ofSeconds(90), env, List.of("python3", "-c", BOTO3));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(output.contains("get_object 304") && output.contains("head_object 304"), output);
        for (String line : output.strip().split("\n")) {
            if (line.contains(" 304 in ")) {
                double seconds = Double.parseDouble(line.substring(line.indexOf(" in ") + 4, line.lastIndexOf(" s")));
                assertTrue(seconds < AT_ONCE.toSeconds(), line);
            }
        }
        // the interpreter's start and boto3's import included, still far from a 60 s read timeout
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "boto3 took " + took + ":\n" + output);
    }
}
