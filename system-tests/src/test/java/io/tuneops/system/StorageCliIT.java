package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * aws-cli and boto3 as they come (the image's Python; installed into target/ from PyPI where it
 * has none), default settings, with a submitted job's credentials through the gateway: single
 * PUT, 100 MiB multipart uploads and downloads, presigned URLs, range GETs, listings with a
 * delimiter and in pages, DeleteObjects, copies, and the refusals. boto3's part is a script
 * (src/test/resources/storage_boto3.py); what is stored is checked here, through the gateway.
 */
@ExtendWith(Suite.Extension.class)
class StorageCliIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @Test
    void awsCliCopiesListsPresignsAndDeletesThroughTheGateway() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "aws-cli");
        StorageJob other = StorageJob.submit(suite.gateway(""), client, "aws-cli-other");
        Path work = Files.createTempDirectory("aws-cli");
        String url = "s3://" + job.bucket() + "/" + job.prefix();
        try {
            Path big = work.resolve("model.safetensors");
            writeRandom(big, 100);
            aws(job, "s3", "cp", big.toString(), url + "cli/model.safetensors");
            JsonNode head = json(aws(job, "s3api", "head-object", "--bucket", job.bucket(), "--key", job.prefix() + "cli/model.safetensors"));
            assertTrue(head.get("ETag").asText().endsWith("-13\""), head.toString());
            aws(job, "s3", "cp", url + "cli/model.safetensors", work.resolve("down.bin").toString());
            assertEquals(-1L, Files.mismatch(big, work.resolve("down.bin")));

            Path log = work.resolve("train.log");
            Files.writeString(log, "step 1 loss 0.50\nstep 2 loss 0.25\n");
            aws(job, "s3", "cp", log.toString(), url + "cli/train.log");
            aws(job, "s3api", "get-object", "--bucket", job.bucket(), "--key", job.prefix() + "cli/train.log",
                    "--range", "bytes=7-15", work.resolve("range.txt").toString());
            assertEquals("loss 0.50", Files.readString(work.resolve("range.txt")));

            String presigned = aws(job, "s3", "presign", url + "cli/train.log").trim();
            HttpResponse<String> read = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(presigned)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode(), read.body());
            assertEquals(Files.readString(log), read.body());

            aws(job, "s3", "cp", url + "cli/train.log", url + "cli/copy/train.log");

            Path tree = work.resolve("tree");
            List<String> files = List.of("a/1.txt", "a/2.txt", "b/1.txt", "c.txt", "d.txt");
            for (String f : files) {
                Files.createDirectories(tree.resolve(f).getParent());
                Files.writeString(tree.resolve(f), f);
            }
            aws(job, "s3", "cp", "--recursive", tree.toString(), url + "tree/");
            JsonNode top = json(aws(job, "s3api", "list-objects-v2", "--bucket", job.bucket(), "--prefix", job.prefix() + "tree/",
                    "--delimiter", "/"));
            assertEquals(List.of(job.prefix() + "tree/a/", job.prefix() + "tree/b/"), values(top.get("CommonPrefixes"), "Prefix"));
            assertEquals(List.of(job.prefix() + "tree/c.txt", job.prefix() + "tree/d.txt"), values(top.get("Contents"), "Key"));
            // pages of two: aws-cli follows the continuation tokens (V2) and markers (V1) itself
            for (String operation : List.of("list-objects-v2", "list-objects")) {
                JsonNode all = json(aws(job, "s3api", operation, "--bucket", job.bucket(), "--prefix", job.prefix() + "tree/",
                        "--page-size", "2"));
                assertEquals(files.stream().map(f -> job.prefix() + "tree/" + f).toList(), values(all.get("Contents"), "Key"), operation);
            }
            JsonNode firstPage = json(aws(job, "s3api", "list-objects-v2", "--bucket", job.bucket(), "--prefix", job.prefix() + "tree/",
                    "--max-items", "2"));
            assertEquals(2, firstPage.get("Contents").size());
            assertTrue(firstPage.hasNonNull("NextToken"), firstPage.toString());
            String ls = aws(job, "s3", "ls", "--recursive", "--page-size", "2", url + "tree/");
            assertEquals(5, ls.lines().count(), ls);

            StringBuilder delete = new StringBuilder("{\"Objects\":[");
            for (String f : files) {
                delete.append(delete.length() > 12 ? "," : "").append("{\"Key\":\"").append(job.prefix()).append("tree/").append(f).append("\"}");
            }
            JsonNode deleted = json(aws(job, "s3api", "delete-objects", "--bucket", job.bucket(), "--delete", delete.append("]}").toString()));
            assertEquals(5, deleted.get("Deleted").size(), deleted.toString());
            assertEquals(List.of(), job.storedKeys("tree/"));

            // refusals: exit status 1 and S3's code in the message, nothing stored
            Map<String, String> wrongSecret = new HashMap<>(credentials(job));
            wrongSecret.put("AWS_SECRET_ACCESS_KEY", "wrong" + job.secret());
            ExternalCommand.Result signature = ExternalCommand.run(TIMEOUT, wrongSecret,
                    awsCommand(job, "s3", "cp", log.toString(), url + "refused/wrong-secret.log"));
            assertNotEquals(0, signature.exit(), signature.output());
            assertTrue(signature.output().contains("SignatureDoesNotMatch"), signature.output());
            ExternalCommand.Result elsewhere = ExternalCommand.run(TIMEOUT, credentials(job),
                    awsCommand(job, "s3", "cp", log.toString(), "s3://" + job.bucket() + "/" + other.prefix() + "stolen.log"));
            assertNotEquals(0, elsewhere.exit(), elsewhere.output());
            assertTrue(elsewhere.output().contains("AccessDenied"), elsewhere.output());
            assertEquals(List.of(), job.storedKeys("refused/"));
            assertEquals(List.of(), other.storedKeys(""));
            assertEquals(List.of(job.prefix() + "cli/copy/train.log", job.prefix() + "cli/model.safetensors", job.prefix() + "cli/train.log"),
                    job.storedKeys(""));
        } finally {
            deleteTree(work);
        }
    }

    @Test
    void boto3DoesEveryOperationAndIsRefusedWhereItMustBeThroughTheGateway() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "boto3");
        StorageJob other = StorageJob.submit(suite.gateway(""), client, "boto3-other");
        Path work = Files.createTempDirectory("boto3");
        try {
            Path script = work.resolve("storage_boto3.py");
            try (InputStream in = StorageCliIT.class.getResourceAsStream("/storage_boto3.py")) {
                Files.copy(in, script);
            }
            Map<String, String> env = new HashMap<>(credentials(job));
            env.put("ENDPOINT", job.endpoint().toString());
            env.put("BUCKET", job.bucket());
            env.put("PREFIX", job.prefix());
            env.put("OTHER_PREFIX", other.prefix());
            env.put("WORK", work.toString());
            String output = ExternalCommand.succeed(TIMEOUT, env, List.of("python3", script.toString()));
            assertTrue(output.contains("boto3: all checks passed"), output);

            // what the script left, seen by an administrator: its objects, none of the refused ones
            assertEquals(List.of("boto/big.bin", "boto/copy.bin", "boto/presigned.txt", "boto/sample.bin"),
                    job.storedKeys("").stream().map(k -> k.substring(job.prefix().length())).toList());
            assertEquals(List.of(), other.storedKeys(""));
            assertEquals(404, job.adminHead("refused/tampered"));
            assertEquals(404, job.adminHead("refused/wrong-secret"));
        } finally {
            deleteTree(work);
        }
    }

    private String aws(StorageJob job, String... args) {
        return ExternalCommand.succeed(TIMEOUT, credentials(job), awsCommand(job, args));
    }

    private static List<String> awsCommand(StorageJob job, String... args) {
        List<String> command = new ArrayList<>(List.of("python3", "-m", "awscli"));
        command.addAll(List.of(args));
        command.addAll(List.of("--endpoint-url", job.endpoint().toString(), "--output", "json"));
        return command;
    }

    /** The job's credentials and nothing of this machine's AWS configuration. */
    private static Map<String, String> credentials(StorageJob job) {
        Map<String, String> env = new HashMap<>(PythonClients.environment());
        env.put("AWS_ACCESS_KEY_ID", job.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", job.secret());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        return env;
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    private static List<String> values(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    static void writeRandom(Path file, int mib) throws IOException {
        Random random = new Random(mib);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mib; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** aws-cli and boto3 from the image's Python, or installed from PyPI into target/ when it has none (never a skip). */
    static final class PythonClients {
        private static Map<String, String> environment;

        static synchronized Map<String, String> environment() {
            if (environment == null) {
                if (ExternalCommand.run(Duration.ofMinutes(1), Map.of(), List.of("python3", "-c", "import awscli, boto3")).exit() == 0) {
                    environment = Map.of();
                } else {
                    Path target = Path.of("target/python-clients").toAbsolutePath();
                    ExternalCommand.succeed(Duration.ofMinutes(10), Map.of(),
                            List.of("python3", "-m", "pip", "install", "--quiet", "--target", target.toString(), "awscli", "boto3"));
                    environment = Map.of("PYTHONPATH", target.toString());
                }
            }
            return environment;
        }
    }
}
