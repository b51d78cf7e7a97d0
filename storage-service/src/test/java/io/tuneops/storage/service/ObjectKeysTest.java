package io.tuneops.storage.service;

import io.tuneops.storage.s3.S3Exception;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Object keys become paths below the output directory: none may name a file outside it. */
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
        assertEquals("KeyTooLongError", assertThrows(S3Exception.class, () -> ObjectKeys.validate("j/" + "x".repeat(256))).code());
        assertEquals(root.resolve("job/a..b/c d+e"), ObjectKeys.resolve(root, "job/a..b/c d+e"));
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
}
