package io.tuneops.storage.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The migration from the layout where keys were paths, on real files: keys chosen so that new
 * names land on old ones, and a "kill -9" after every single rename followed by a restart.
 */
class LayoutMigrationTest {

    /** Keys whose new files or folders are old files or folders of other keys. */
    private static final List<String> KEYS = List.of(
            "job/a",                 // moves to job/a.object: the old file of the next key
            "job/a.object",
            "job/x",                 // moves to job/x.object: an old folder, emptied by the migration
            "job/x.object/y",
            "job/samples/",          // a folder object: stays where it is
            "job/m.prefix/",         // a folder object whose folder is renamed
            "job/deep/er/model.safetensors",
            "other-job/checkpoint-500/model.safetensors");

    private static Map<String, String> contents() {
        Map<String, String> contents = new LinkedHashMap<>();
        for (String key : KEYS) {
            contents.put(key, "bytes of " + key);
        }
        return contents;
    }

    /** The old layout: {root}/{key}, {root}/{key}.tuneops-folder-object for a key ending in '/'. */
    private static void writeLegacy(Path root, Map<String, String> contents) throws IOException {
        for (Map.Entry<String, String> e : contents.entrySet()) {
            Path file = ObjectKeys.legacyResolve(root, e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
        }
    }

    private static LayoutMigration.Keys keys(Map<String, String> contents) {
        TreeMap<String, String> sorted = new TreeMap<>(contents);
        return (after, limit) -> (after == null ? sorted : sorted.tailMap(after, false)).keySet().stream().limit(limit).toList();
    }

    private static void assertMigrated(Path root, Map<String, String> contents) throws IOException {
        for (Map.Entry<String, String> e : contents.entrySet()) {
            Path file = ObjectKeys.resolve(root, e.getKey());
            assertTrue(Files.isRegularFile(file), e.getKey() + " is not at " + file);
            assertEquals(e.getValue(), Files.readString(file), e.getKey());
        }
        assertEquals("2", Files.readString(root.resolve(".tuneops-layout")).trim());
        assertFalse(Files.exists(root.resolve(".tuneops-migration")), "the staging directory is left");
        try (Stream<Path> files = Files.walk(root)) {
            long objects = files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".tuneops-layout")).count();
            assertEquals(contents.size(), objects, "files other than the objects' are left");
        }
    }

    @Test
    void everyObjectMovesToItsNewNameAndASecondRunDoesNothing(@TempDir Path root) throws IOException {
        Map<String, String> contents = contents();
        writeLegacy(root, contents);
        Files.createDirectories(root.resolve("job/emptied-by-old-deletes"));

        LayoutMigration.Outcome first = LayoutMigration.migrate(root, keys(contents), LayoutMigration::move);
        assertTrue(first.migrated());
        assertMigrated(root, contents);
        assertEquals("bytes of job/a", Files.readString(root.resolve("job/a.object")));
        assertEquals("bytes of job/a.object", Files.readString(root.resolve("job/a.object.object")));
        assertEquals("bytes of job/x.object/y", Files.readString(root.resolve("job/x.object.prefix/y.object")));
        assertEquals("bytes of job/x", Files.readString(root.resolve("job/x.object")));
        assertEquals("bytes of job/samples/", Files.readString(root.resolve("job/samples/.tuneops-folder-object")));

        LayoutMigration.Outcome second = LayoutMigration.migrate(root, keys(contents), (from, to) -> {
            throw new AssertionError("moved " + from + " again");
        });
        assertFalse(second.migrated());
        assertMigrated(root, contents);
    }

    /** A process killed after any number of renames, then started again, ends with every object in place. */
    @Test
    void aKillAfterAnyRenameAndARestartEndWithEveryObjectReadable(@TempDir Path base) throws IOException {
        Map<String, String> contents = contents();
        int renames = -1;
        for (int run = 0; renames < 0 || run / 2 <= renames; run++) {
            Path root = Files.createDirectories(base.resolve("run-" + run));
            writeLegacy(root, contents);
            int[] done = {0};
            int limit = run / 2;
            boolean rightAfter = run % 2 == 1; // killed just before the rename, or just after it
            try {
                LayoutMigration.migrate(root, keys(contents), (from, to) -> {
                    if (done[0] == limit && !rightAfter) {
                        throw new Killed();
                    }
                    LayoutMigration.move(from, to);
                    done[0]++;
                    if (done[0] == limit && rightAfter) {
                        throw new Killed();
                    }
                });
                renames = done[0]; // ran to the end: every kill point is below this
            } catch (Killed expected) {
                // the process died here; what is on disk is what a restart finds
            }
            LayoutMigration.migrate(root, keys(contents), LayoutMigration::move);
            assertMigrated(root, contents);
        }
        assertEquals(2 * (contents.size() - 1), renames, "every object but the unmoved folder object is renamed twice");
    }

    @Test
    void manyPagesOfKeysAndAFileThatIsInTheWay(@TempDir Path root) throws IOException {
        Map<String, String> contents = new LinkedHashMap<>();
        for (int i = 0; i < 2_345; i++) {
            contents.put("job/" + (i % 7) + "/file-" + i, "content " + i);
        }
        contents.put("job/m.object/z", "z");
        writeLegacy(root, contents);
        // a file nobody uploaded where the new layout needs a folder: moved aside and kept
        Files.writeString(root.resolve("job/m.object.prefix"), "dropped here by hand");
        List<String> pages = new ArrayList<>();
        LayoutMigration.Keys source = keys(contents);
        LayoutMigration.migrate(root, (after, limit) -> {
            pages.add(after);
            return source.after(after, limit);
        }, LayoutMigration::move);
        for (Map.Entry<String, String> e : contents.entrySet()) {
            assertEquals(e.getValue(), Files.readString(ObjectKeys.resolve(root, e.getKey())));
        }
        assertEquals(6, pages.size(), "three pages of 1,000 keys, read once per pass");
        try (Stream<Path> aside = Files.list(root.resolve(".tuneops-migration/in-the-way"))) {
            List<Path> kept = aside.toList();
            assertEquals(1, kept.size());
            assertEquals("dropped here by hand", Files.readString(kept.get(0)));
            assertTrue(kept.get(0).getFileName().toString().endsWith("-m.object.prefix"), kept.toString());
        }
    }

    @Test
    void aFreshDirectoryIsMarkedCurrentAtOnce(@TempDir Path root) throws IOException {
        assertTrue(LayoutMigration.migrate(root, (after, limit) -> List.of(), LayoutMigration::move).migrated());
        try (Stream<Path> files = Files.list(root)) {
            assertEquals(List.of(".tuneops-layout", ".tuneops-layout.lock"),
                    files.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()).toList());
        }
        assertEquals("2", Files.readString(root.resolve(".tuneops-layout")).trim());
    }

    private static final class Killed extends RuntimeException {
    }
}
