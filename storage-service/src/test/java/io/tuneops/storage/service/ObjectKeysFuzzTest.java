package io.tuneops.storage.service;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tuneops.storage.s3.S3Exception;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz test of the object key validator, the check hostile keys reach before the filesystem.
 * Every build replays the regression corpus
 * (src/test/resources/io/tuneops/storage/service/ObjectKeysFuzzTestInputs/); JAZZER_FUZZ=1 makes
 * it fuzz, and new findings land in that corpus.
 */
class ObjectKeysFuzzTest {

    private static final Path ROOT = Path.of("/srv/outputs");

    /** Whatever the key, it is refused with an S3 error or names a file strictly inside the root. */
    @FuzzTest(maxDuration = "40s")
    void keyValidatorNeverEscapesTheOutputDirectory(FuzzedDataProvider data) {
        String key = data.consumeRemainingAsString();
        try {
            Path p = ObjectKeys.resolve(ROOT, key);
            assertTrue(p.startsWith(ROOT) && !p.equals(ROOT), key);
            assertTrue(p.normalize().equals(p), key);
        } catch (S3Exception refused) {
            assertTrue(refused.status() == 400, refused.code());
        }
    }
}
