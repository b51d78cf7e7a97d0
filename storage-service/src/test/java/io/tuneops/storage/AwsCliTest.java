package io.tuneops.storage;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.storage.S3TestSupport.Credential;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Python clients training jobs use, with their defaults: aws-cli ({@code aws s3 cp}, multipart
 * above 8 MB, real payload SHA-256, CRC32 checksums, Expect: 100-continue) and boto3's
 * {@code upload_file}/{@code download_file}. Both come from PyPI; when the machine lacks them the
 * test installs them into target/ with pip rather than skipping.
 */
@QuarkusTest
@WithTestResource(EmbeddedServersTestResource.class)
class AwsCliTest {

    static final Path WORK = Path.of("target/awscli-test").toAbsolutePath();
    static final int MB = 1024 * 1024;

    @Inject
    RedisDataSource redis;

    @Test
    void awsS3CpUploadsListsDownloadsAndRemoves() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        Files.createDirectories(WORK);
        Path big = WORK.resolve("big-" + c.jobId() + ".bin");
        byte[] body = SdkObjectsTest.random(20 * MB + 17);
        Files.write(big, body);
        Path dir = Files.createDirectories(WORK.resolve("dir-" + c.jobId()));
        Files.writeString(dir.resolve("train.log"), "step 1 loss 0.5\n");
        Files.writeString(Files.createDirectories(dir.resolve("samples")).resolve("a b+c.txt"), "sample");
        String url = "s3://" + S3TestSupport.BUCKET + "/" + c.prefix();

        run(c, "aws", "s3", "cp", big.toString(), url + "checkpoint/big.bin");
        run(c, "aws", "s3", "cp", "--recursive", dir.toString(), url + "run/");
        String listing = run(c, "aws", "s3", "ls", "--recursive", url);
        assertTrue(listing.contains(c.prefix() + "checkpoint/big.bin"), listing);
        assertTrue(listing.contains(c.prefix() + "run/samples/a b+c.txt"), listing);
        assertTrue(listing.contains(c.prefix() + "run/train.log"), listing);
        assertTrue(Files.readString(S3TestSupport.onDisk(c.prefix() + "run/samples/a b+c.txt")).equals("sample"));

        Path down = WORK.resolve("down-" + c.jobId() + ".bin");
        run(c, "aws", "s3", "cp", url + "checkpoint/big.bin", down.toString());
        assertArrayEquals(body, Files.readAllBytes(down));

        // aws s3 presign makes a signature version 2 URL unless configured otherwise
        String presigned = run(c, "aws", "s3", "presign", url + "run/train.log").trim();
        assertTrue(presigned.contains("AWSAccessKeyId=" + c.accessKeyId()), presigned);
        java.net.http.HttpResponse<String> read = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(presigned)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        assertEquals("step 1 loss 0.5\n", read.body());
        java.net.http.HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(presigned.replace("train.log", "train.loG"))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("<Code>SignatureDoesNotMatch</Code>"), forged.body());

        run(c, "aws", "s3", "rm", "--recursive", url + "run/");
        assertFalse(run(c, "aws", "s3", "ls", "--recursive", url).contains("train.log"));
    }

    @Test
    void boto3UploadFileAndDownloadFile() throws Exception {
        Credential c = S3TestSupport.issue(redis);
        Files.createDirectories(WORK);
        Path file = WORK.resolve("boto-" + c.jobId() + ".bin");
        byte[] body = SdkObjectsTest.random(9 * MB + 3);
        Files.write(file, body);
        Path back = WORK.resolve("boto-back-" + c.jobId() + ".bin");
        String script = String.join("\n",
                "import boto3, os, sys",
                "s3 = boto3.client('s3', endpoint_url=os.environ['ENDPOINT'])",
                "s3.upload_file(sys.argv[1], 'outputs', sys.argv[3])",
                "s3.download_file('outputs', sys.argv[3], sys.argv[2])",
                "print(s3.head_object(Bucket='outputs', Key=sys.argv[3])['ETag'])");
        String out = run(c, "python3", "-c", script, file.toString(), back.toString(), c.prefix() + "boto/weights.bin");
        assertTrue(out.trim().matches("\"[0-9a-f]{32}-2\""), out);
        assertArrayEquals(body, Files.readAllBytes(back));
    }

    /** Runs a command with the job's credentials in the environment; fails with its output unless it exits 0. */
    private static String run(Credential c, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Map<String, String> extraPath = PythonClients.ensure();
        if (cmd.get(0).equals("aws")) {
            cmd.remove(0);
            cmd.addAll(0, PythonClients.awsCommand());
            cmd.add("--endpoint-url");
            cmd.add(S3TestSupport.endpoint().toString());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.putAll(extraPath);
        env.put("AWS_ACCESS_KEY_ID", c.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", c.secret());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", WORK.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", WORK.resolve("no-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("ENDPOINT", S3TestSupport.endpoint().toString());
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + cmd);
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + text);
        return text;
    }

    /** Finds aws-cli and boto3, or installs them from PyPI into target/ (never a skip). */
    static final class PythonClients {
        private static Map<String, String> env;
        private static List<String> aws;

        static synchronized Map<String, String> ensure() throws IOException, InterruptedException {
            if (env != null) {
                return env;
            }
            if (exitsZero(List.of("python3", "-c", "import awscli, boto3"), Map.of())) {
                env = Map.of();
                aws = List.of("python3", "-m", "awscli");
                return env;
            }
            Path target = Path.of("target/python-clients").toAbsolutePath();
            Process pip = new ProcessBuilder("python3", "-m", "pip", "install", "--quiet", "--target", target.toString(), "awscli", "boto3")
                    .redirectErrorStream(true).start();
            String log = new String(pip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(pip.waitFor(10, TimeUnit.MINUTES) && pip.exitValue() == 0, "pip install awscli boto3 failed:\n" + log);
            env = Map.of("PYTHONPATH", target.toString());
            aws = List.of("python3", "-m", "awscli");
            return env;
        }

        static List<String> awsCommand() {
            return aws;
        }

        private static boolean exitsZero(List<String> cmd, Map<String, String> extra) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(extra);
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        }
    }
}
