package io.tuneops.system;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of storage-service while multipart uploads run from eight threads: parts written into
 * their place in their upload's assembly file, parts sent again, and completions that rename that
 * file into place. After each restart every key holds an acknowledged object or the one whose
 * completion was in flight, whole and under its ETag, and every upload still open goes on from the
 * parts it had acknowledged to an object made of exactly those bytes.
 */
@ExtendWith(Suite.Extension.class)
class MultipartCrashIT {

    static final int KEYS = 16;
    static final int THREADS = 8;
    static final int ROUNDS = 3;
    static final int PARTS = 3;
    static final int PART_SIZE = 64 * 1024;
    /** Small parts, so that a round goes through many uploads; restored when the test ends. */
    static final Map<String, String> SMALL_PARTS = Map.of("TUNEOPS_STORAGE_MIN_PART_SIZE", Integer.toString(PART_SIZE));

    private final Suite suite = Suite.Extension.suite();

    /** An upload in progress: for each part number, the versions it may hold (acknowledged, or sent when the kill came). */
    private record Open(String uploadId, Map<Integer, Set<Version>> parts) {
    }

    private record Version(String etag, byte[] bytes) {
    }

    /** An object a key may hold: its bytes' MD5 and its multipart ETag. */
    private record Made(String md5, String etag) {
    }

    /** Stands for "no object" among a key's possible states. */
    static final Made NOTHING = new Made("absent", "absent");

    @Test
    void killedMidUploadEveryObjectAndEveryOpenUploadIsWhole() throws Exception {
        StorageJob job = StorageJob.submit(suite.gateway(""), "198.51.100.78", "multipart-crash");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(job.prefix() + "checkpoints/" + i + ".bin");
        }
        suite.restart("storage-service", SMALL_PARTS);
        try {
            // what each key may hold and each key's open upload
            Map<String, Set<Made>> possible = new ConcurrentHashMap<>();
            Map<String, Open> open = new ConcurrentHashMap<>();
            keys.forEach(k -> {
                possible.put(k, ConcurrentHashMap.newKeySet());
                possible.get(k).add(NOTHING);
            });
            for (int round = 0; round < ROUNDS; round++) {
                uploadUntilKilled(job, keys, possible, open, round);
                suite.startAgain("storage-service", SMALL_PARTS);
                try (S3Client s3 = direct(job)) {
                    Map<String, Made> found = readBack(s3, job, keys);
                    for (String key : keys) {
                        Made held = found.get(key);
                        assertTrue(possible.get(key).contains(held), key + " holds " + held + ", not one of " + possible.get(key)
                                + " (round " + round + ")");
                    }
                    for (Map.Entry<String, Open> upload : open.entrySet()) {
                        finish(s3, job, upload.getKey(), upload.getValue(), found.get(upload.getKey()), round);
                    }
                    open.clear();
                    Map<String, Made> after = readBack(s3, job, keys);
                    keys.forEach(k -> {
                        possible.get(k).clear();
                        possible.get(k).add(after.get(k));
                    });
                }
            }
        } finally {
            suite.restart("storage-service", Map.of());
        }
    }

    /** Uploads, sends parts again and completes, from eight threads (each its own keys), until storage-service is killed. */
    private void uploadUntilKilled(StorageJob job, List<String> keys, Map<String, Set<Made>> possible, Map<String, Open> open,
                                   int round) throws Exception {
        Set<String> failures = KilledUnderLoad.run(suite, job, THREADS, 40, (thread, s3, killed, completed) -> {
            Random random = new Random(round * 100L + thread);
            while (!killed.get()) {
                String key = keys.get(thread + THREADS * random.nextInt(KEYS / THREADS));
                String id = s3.createMultipartUpload(b -> b.bucket(job.bucket()).key(key)).uploadId();
                Open upload = new Open(id, new ConcurrentHashMap<>());
                open.put(key, upload);
                // each part once and one of them twice, in any order: the last (shorter) one may come first
                List<Integer> order = new ArrayList<>(List.of(1, 2, 3, 1 + random.nextInt(PARTS)));
                Collections.shuffle(order, random);
                for (int number : order) {
                    byte[] bytes = new byte[number == PARTS ? 1 + random.nextInt(PART_SIZE) : PART_SIZE];
                    random.nextBytes(bytes);
                    Version sent = new Version(md5(bytes), bytes);
                    Set<Version> versions = upload.parts().computeIfAbsent(number, n -> ConcurrentHashMap.newKeySet());
                    versions.add(sent);
                    s3.uploadPart(b -> b.bucket(job.bucket()).key(key).uploadId(id).partNumber(number), RequestBody.fromBytes(bytes));
                    versions.clear();
                    versions.add(sent);
                }
                List<Version> chosen = List.of(1, 2, 3).stream().map(n -> upload.parts().get(n).iterator().next()).toList();
                Made made = made(chosen);
                possible.get(key).add(made);
                s3.completeMultipartUpload(b -> b.bucket(job.bucket()).key(key).uploadId(id)
                        .multipartUpload(m -> m.parts(completedParts(chosen))));
                open.remove(key);
                possible.get(key).clear();
                possible.get(key).add(made);
                completed.incrementAndGet();
            }
        });
        assertEquals(Set.of(), failures, "failures before the kill");
    }

    /**
     * Completes an upload left open by the kill from the parts it recorded, each of which must be
     * a version sent for it, and checks the object is exactly those bytes; an upload whose
     * completion committed before the kill is gone, and its key holds what it made.
     */
    private void finish(S3Client s3, StorageJob job, String key, Open upload, Made held, int round) throws Exception {
        List<Part> recorded;
        try {
            recorded = s3.listParts(b -> b.bucket(job.bucket()).key(key).uploadId(upload.uploadId())).parts();
        } catch (NoSuchUploadException e) {
            assertTrue(!held.equals(NOTHING), key + ": its upload is gone but the key holds nothing (round " + round + ")");
            return;
        }
        List<Version> chosen = new ArrayList<>();
        for (int number = 1; number <= PARTS; number++) {
            int n = number;
            Version version = recorded.stream().filter(p -> p.partNumber() == n).findFirst()
                    .flatMap(p -> upload.parts().getOrDefault(n, Set.of()).stream()
                            .filter(v -> ("\"" + v.etag() + "\"").equals(p.eTag())).findFirst())
                    .orElse(null);
            if (version == null) {
                assertTrue(recorded.stream().noneMatch(p -> p.partNumber() == n),
                        key + ": part " + n + " holds a version never sent (round " + round + ")");
                byte[] bytes = new byte[n == PARTS ? 1000 : PART_SIZE];
                new Random(n).nextBytes(bytes);
                String etag = s3.uploadPart(b -> b.bucket(job.bucket()).key(key).uploadId(upload.uploadId()).partNumber(n),
                        RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
                version = new Version(etag, bytes);
            }
            chosen.add(version);
        }
        s3.completeMultipartUpload(b -> b.bucket(job.bucket()).key(key).uploadId(upload.uploadId())
                .multipartUpload(m -> m.parts(completedParts(chosen))));
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(key));
        assertArrayEquals(join(chosen), got.asByteArray(), key + ": the object is not its parts (round " + round + ")");
        assertEquals("\"" + made(chosen).etag() + "\"", got.response().eTag());
    }

    /** What each key holds, checking that every listed object reads back whole: its length and its multipart ETag. */
    private static Map<String, Made> readBack(S3Client s3, StorageJob job, List<String> keys) throws Exception {
        Map<String, S3Object> listed = s3.listObjectsV2Paginator(b -> b.bucket(job.bucket()).prefix(job.prefix() + "checkpoints/"))
                .contents().stream().collect(Collectors.toMap(S3Object::key, o -> o));
        Map<String, Made> found = new ConcurrentHashMap<>();
        for (String key : keys) {
            if (!listed.containsKey(key)) {
                found.put(key, NOTHING);
                continue;
            }
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(job.bucket()).key(key));
            byte[] bytes = got.asByteArray();
            assertEquals(listed.get(key).size().longValue(), bytes.length, key + ": length against the listing");
            found.put(key, new Made(md5(bytes), got.response().eTag().replace("\"", "")));
        }
        return found;
    }

    private static Made made(List<Version> parts) {
        MessageDigest md5 = KilledUnderLoad.md5();
        parts.forEach(p -> md5.update(HexFormat.of().parseHex(p.etag())));
        return new Made(md5(join(parts)), HexFormat.of().formatHex(md5.digest()) + "-" + parts.size());
    }

    private static List<CompletedPart> completedParts(List<Version> parts) {
        List<CompletedPart> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            out.add(CompletedPart.builder().partNumber(i + 1).eTag("\"" + parts.get(i).etag() + "\"").build());
        }
        return out;
    }

    private static byte[] join(List<Version> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(p -> out.writeBytes(p.bytes()));
        return out.toByteArray();
    }

    private S3Client direct(StorageJob job) {
        return KilledUnderLoad.direct(suite, job);
    }

    private static String md5(byte[] bytes) {
        return KilledUnderLoad.md5(bytes);
    }
}
