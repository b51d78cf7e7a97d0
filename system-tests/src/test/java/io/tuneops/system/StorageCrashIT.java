package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of storage-service while overwrites and deletes of the same keys run from eight threads:
 * after each restart every key holds what an acknowledged change left, or what the change in
 * flight at the kill would have, and every listed object reads back with the bytes its ETag and
 * length name. A delete or an overwrite killed between setting files aside and its COMMIT is what
 * this is about: without its files given back, the key is listed but unreadable, or serves the
 * uncommitted bytes under the old ETag.
 */
@ExtendWith(Suite.Extension.class)
class StorageCrashIT {

    static final int KEYS = 48;
    static final int THREADS = 8;
    static final int ROUNDS = 5;
    /** Stands for "no object" among a key's possible states. */
    static final String ABSENT = "absent";

    private final Suite suite = Suite.Extension.suite();

    @Test
    void killedMidChangeEveryKeyIsAsAChangeLeftIt() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), "198.51.100.77", "storage-crash");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(job.prefix() + "samples/" + i + ".bin");
        }
        // the possible contents of each key (MD5 hex, or ABSENT): what was acknowledged, plus what a failed change tried
        Map<String, Set<String>> possible = new ConcurrentHashMap<>();
        try (S3Client s3 = direct(job)) {
            for (String key : keys) {
                possible.put(key, ConcurrentHashMap.newKeySet());
                possible.get(key).add(put(s3, job, key, new Random(key.hashCode())));
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            changeUntilKilled(job, keys, possible, round);
            suite.startAgain("storage-service", Map.of());
            try (S3Client s3 = direct(job)) {
                Map<String, String> found = readBack(s3, job, keys);
                for (String key : keys) {
                    assertTrue(possible.get(key).contains(found.get(key)),
                            key + " holds " + found.get(key) + ", not one of " + possible.get(key) + " (round " + round + ")");
                    possible.get(key).clear();
                    possible.get(key).add(found.get(key));
                }
            }
        }
    }

    /** Overwrites and deletes the keys from eight threads (each its own keys) until storage-service is killed. */
    private void changeUntilKilled(StorageJob job, List<String> keys, Map<String, Set<String>> possible, int round) throws Exception {
        KilledUnderLoad.run(suite, job, THREADS, 300, (thread, s3, killed, acknowledged) -> {
            Random random = new Random(round * 100L + thread);
            while (!killed.get()) {
                String key = keys.get(thread + THREADS * random.nextInt(KEYS / THREADS));
                boolean delete = random.nextInt(4) == 0;
                String attempt = delete ? ABSENT : null;
                if (delete) {
                    possible.get(key).add(ABSENT);
                    s3.deleteObject(b -> b.bucket(job.bucket()).key(key));
                } else {
                    byte[] body = body(random);
                    attempt = md5(body);
                    possible.get(key).add(attempt);
                    s3.putObject(b -> b.bucket(job.bucket()).key(key), RequestBody.fromBytes(body));
                }
                // acknowledged: from now on only this or what comes after it
                possible.get(key).clear();
                possible.get(key).add(attempt);
                acknowledged.incrementAndGet();
            }
        });
    }

    /** What each key holds (MD5 hex or ABSENT), checking that every listed object reads back whole, as its ETag says. */
    private static Map<String, String> readBack(S3Client s3, StorageJob job, List<String> keys) throws Exception {
        Map<String, Long> listed = s3.listObjectsV2Paginator(b -> b.bucket(job.bucket()).prefix(job.prefix() + "samples/")).contents()
                .stream().collect(Collectors.toMap(S3Object::key, S3Object::size));
        Map<String, String> found = new HashMap<>();
        for (String key : keys) {
            if (!listed.containsKey(key)) {
                found.put(key, ABSENT);
                continue;
            }
            ResponseBytes<GetObjectResponse> got;
            try {
                got = s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(key));
            } catch (NoSuchKeyException e) {
                throw new AssertionError(key + " is listed but cannot be read", e);
            }
            String md5 = md5(got.asByteArray());
            assertEquals(listed.get(key).longValue(), got.asByteArray().length, key + ": length against the listing");
            assertEquals("\"" + md5 + "\"", got.response().eTag(), key + ": the bytes are not the ones its ETag names");
            found.put(key, md5);
        }
        return found;
    }

    private S3Client direct(StorageJob job) {
        return KilledUnderLoad.direct(suite, job);
    }

    private static String put(S3Client s3, StorageJob job, String key, Random random) throws Exception {
        byte[] body = body(random);
        s3.putObject(b -> b.bucket(job.bucket()).key(key), RequestBody.fromBytes(body));
        return md5(body);
    }

    /** 1-64 KiB: bodies of different lengths, so a file under the wrong row shows in its length too. */
    private static byte[] body(Random random) {
        byte[] body = new byte[1024 + random.nextInt(63 * 1024)];
        random.nextBytes(body);
        return body;
    }

    private static String md5(byte[] bytes) {
        return KilledUnderLoad.md5(bytes);
    }
}
