package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rclone (the Debian package, 1.60; ./test.sh installs it) with the remote the storage guide shows and
 * otherwise its defaults, through the gateway: a tree with a 210 MiB checkpoint (above rclone's
 * 200 MiB upload cutoff: a multipart upload in 5 MiB chunks, 4 at a time) copied up, checked by
 * rclone itself, listed, and copied back down byte for byte.
 */
@ExtendWith(Suite.Extension.class)
class StorageRcloneIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final Suite suite = Suite.Extension.suite();
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    @Test
    void rcloneCopiesATreeUpAndDownThroughTheGateway() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), client, "rclone");
        Path work = Files.createTempDirectory("rclone");
        try {
            Path up = work.resolve("output");
            Files.createDirectories(up.resolve("checkpoint-500"));
            Files.createDirectories(up.resolve("samples"));
            StorageCliIT.writeRandom(up.resolve("checkpoint-500/model.safetensors"), 210);
            StorageCliIT.writeRandom(up.resolve("checkpoint-500/optimizer.pt"), 12);
            Files.writeString(up.resolve("samples/step 500.txt"), "a photo of a cat");
            Files.writeString(up.resolve("train.log"), "step 500 loss 0.125\n");
            String remote = "tuneops:" + job.bucket() + "/" + job.prefix() + "output";

            rclone(job, work, "copy", up.toString(), remote);
            // rclone compares sizes and MD5s (ETag, or its own metadata for multipart objects)
            rclone(job, work, "check", up.toString(), remote);
            String listing = rclone(job, work, "ls", remote);
            assertTrue(listing.contains("220200960 checkpoint-500/model.safetensors"), listing);
            assertTrue(listing.contains("samples/step 500.txt"), listing);
            assertEquals(List.of("checkpoint-500/model.safetensors", "checkpoint-500/optimizer.pt", "samples/step 500.txt", "train.log"),
                    job.storedKeys("output/").stream().map(k -> k.substring((job.prefix() + "output/").length())).toList());

            Path down = work.resolve("download");
            rclone(job, work, "copy", remote, down.toString());
            for (String file : List.of("checkpoint-500/model.safetensors", "checkpoint-500/optimizer.pt", "samples/step 500.txt", "train.log")) {
                assertEquals(-1L, Files.mismatch(up.resolve(file), down.resolve(file)), file);
            }
        } finally {
            StorageCliIT.deleteTree(work);
        }
    }

    /** rclone with the remote as environment variables (the guide's rclone.conf), no user configuration. */
    private String rclone(StorageJob job, Path work, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("RCLONE_CONFIG", work.resolve("rclone.conf").toString());
        env.put("RCLONE_CONFIG_TUNEOPS_TYPE", "s3");
        env.put("RCLONE_CONFIG_TUNEOPS_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_TUNEOPS_ACCESS_KEY_ID", job.accessKeyId());
        env.put("RCLONE_CONFIG_TUNEOPS_SECRET_ACCESS_KEY", job.secret());
        env.put("RCLONE_CONFIG_TUNEOPS_ENDPOINT", job.endpoint().toString());
        env.put("RCLONE_CONFIG_TUNEOPS_REGION", "us-east-1");
        env.put("RCLONE_CONFIG_TUNEOPS_FORCE_PATH_STYLE", "true");
        List<String> command = new ArrayList<>(List.of("rclone"));
        command.addAll(List.of(args));
        return ExternalCommand.succeed(TIMEOUT, env, command);
    }
}
