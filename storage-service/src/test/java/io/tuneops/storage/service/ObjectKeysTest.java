package io.tuneops.storage.service;

import io.tuneops.storage.s3.S3Exception;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Object keys name files below the output directory: none may name a file outside it, and no key's
 * file may stand where another key needs a folder.
 */
class ObjectKeysTest {

    @Test
    void keysThatCouldEscapeTheOutputDirectoryAreRejected() {
        Path root = Path.of("/srv/outputs");
        for (String key : List.of("../etc/passwd", "job/../../x", "job/./x", "/etc/passwd", "job//x", "job/a\u0000b",
                "job/.tuneops-tmp/x", ".tuneops-multipart/1", "job/\u0001", "..", ".")) {
            S3Exception e = assertThrows(S3Exception.class, () -> ObjectKeys.resolve(root, key), key);
            assertEquals("InvalidArgument", e.code(), key);
        }
        assertEquals("KeyTooLongError", assertThrows(S3Exception.class, () -> ObjectKeys.validate("j/" + "x".repeat(1023))).code());
        assertEquals(root.resolve("job/a..b/c d+e.object"), ObjectKeys.resolve(root, "job/a..b/c d+e"));
        assertEquals(root.resolve("job/folder/.tuneops-folder-object"), ObjectKeys.resolve(root, "job/folder/"));
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[1 + random.nextInt(12)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = "./\\a\u0000%~".charAt(random.nextInt(7));
            }
            String key = new String(chars);
            try {
                Path p = ObjectKeys.resolve(root, key);
                assertEquals(true, p.startsWith(root) && !p.equals(root), key);
            } catch (S3Exception expected) {
                // refused is fine; escaping is not
            }
        }
    }

    @Test
    void aKeysFileIsItsLastSegmentWithObjectAppendedAndFoldersKeepTheirNames() {
        Path root = Path.of("/srv/outputs");
        assertEquals(root.resolve("job-42/checkpoint-500/model.safetensors.object"),
                ObjectKeys.resolve(root, "job-42/checkpoint-500/model.safetensors"));
        assertEquals(root.resolve("job-42/samples/.tuneops-folder-object"), ObjectKeys.resolve(root, "job-42/samples/"));
        // a folder that would end like an object's file, or like the escape itself, gets ".prefix"
        assertEquals(root.resolve("job/x.object.prefix/y.object"), ObjectKeys.resolve(root, "job/x.object/y"));
        assertEquals(root.resolve("job/x.OBJECT.prefix/y.object"), ObjectKeys.resolve(root, "job/x.OBJECT/y"));
        assertEquals(root.resolve("job/x.prefix.prefix/.tuneops-folder-object"), ObjectKeys.resolve(root, "job/x.prefix/"));
        assertEquals(root.resolve("job/x.object.object"), ObjectKeys.resolve(root, "job/x.object"));
    }

    @Test
    void segmentsLongerThanAFileNameAndKeysOf1024BytesAreStored() {
        Path root = Path.of("/srv/outputs");
        String segment = "é".repeat(150); // 300 UTF-8 bytes: more than a file name can have
        Path file = ObjectKeys.resolve(root, "job/" + segment);
        String name = file.getFileName().toString();
        assertTrue(name.startsWith(".tuneops-f-"), name);
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 255, name);
        assertTrue(name.endsWith("-" + "é".repeat(32)), name); // the first 64 bytes stay readable
        Path folder = ObjectKeys.resolve(root, "job/" + segment + "/x").getParent();
        assertTrue(folder.getFileName().toString().startsWith(".tuneops-d-"), folder.toString());
        assertNotEquals(ObjectKeys.resolve(root, "job/" + segment), ObjectKeys.resolve(root, "job/" + segment + "x"));
        // the longest key S3 takes, all in one segment, and one byte more
        String longest = "j/" + "k".repeat(ObjectKeys.MAX_KEY_BYTES - 2);
        assertTrue(ObjectKeys.resolve(root, longest).getFileName().toString().getBytes(StandardCharsets.UTF_8).length <= 255);
        assertEquals("KeyTooLongError", assertThrows(S3Exception.class, () -> ObjectKeys.resolve(root, longest + "k")).code());
        // exactly 255 bytes with the suffix still fits as it is
        String fits = "f".repeat(255 - ".object".length());
        assertEquals(root.resolve("job/" + fits + ".object"), ObjectKeys.resolve(root, "job/" + fits));
    }

    @Test
    void noKeysFileIsAnotherKeysFileOrOneOfItsFolders() {
        Path root = Path.of("/srv/outputs");
        List<String> parts = List.of("a", "b", "a.object", "b.prefix", "A.Object", "x.object.prefix", "", "c");
        Random random = new Random(11);
        Map<Path, String> files = new HashMap<>();
        Map<Path, String> folders = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder key = new StringBuilder("job");
            int depth = 1 + random.nextInt(4);
            for (int d = 0; d < depth; d++) {
                key.append('/').append(parts.get(random.nextInt(parts.size())));
            }
            String k = key.toString();
            Path file;
            try {
                file = ObjectKeys.resolve(root, k);
            } catch (S3Exception refused) {
                continue; // an empty segment in the middle
            }
            String other = files.putIfAbsent(file, k);
            assertTrue(other == null || other.equals(k), k + " and " + other + " share " + file);
            for (Path p = file.getParent(); !p.equals(root); p = p.getParent()) {
                folders.putIfAbsent(p, k);
            }
        }
        // compared as a case-insensitive volume (macOS) would
        Map<String, String> lowerFolders = new HashMap<>();
        folders.forEach((folder, k) -> lowerFolders.put(folder.toString().toLowerCase(Locale.ROOT), k));
        for (Map.Entry<Path, String> f : files.entrySet()) {
            String k = lowerFolders.get(f.getKey().toString().toLowerCase(Locale.ROOT));
            assertTrue(k == null, f.getValue() + "'s file is a folder of " + k);
        }
        assertTrue(files.containsKey(root.resolve("job/a.object")) && folders.containsKey(root.resolve("job/a")));
    }
}
