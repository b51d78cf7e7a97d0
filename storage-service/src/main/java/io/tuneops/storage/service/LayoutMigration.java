package io.tuneops.storage.service;

import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import io.tuneops.storage.s3.S3Exception;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Moves the objects of an output directory written when keys were paths ({output}/{key}) to where
 * {@link ObjectKeys#resolve} keeps them, once, at start, before the first request. In two passes
 * over the keys in PostgreSQL, so that no object's new file can land on another object's old one
 * ("a/b" moves to "a/b.object", which may be the old file of the key "a/b.object"): first every
 * old file into {output}/.tuneops-migration/{SHA-256 of the key}, then from there to its new name.
 * {output}/.tuneops-layout records which pass is done ("staged", then "2"), written durably before
 * the next pass starts. Each move is one rename and each pass skips what it already did, so a
 * process killed at any point and started again finishes the job with every object in place.
 * Replicas take a lock on {output}/.tuneops-layout.lock, so one migrates and the others wait.
 * Replicas of a version from before this layout must all be stopped first (they would keep writing
 * the old layout).
 */
@ApplicationScoped
public class LayoutMigration {

    private static final Logger LOG = Logger.getLogger(LayoutMigration.class);
    static final String MARKER = ObjectKeys.RESERVED + "-layout";
    static final String STAGING = ObjectKeys.RESERVED + "-migration";
    /** Files that were in the way of an object's new folders and are not objects (put there by hand). */
    static final String IN_THE_WAY = "in-the-way";
    private static final String STAGED = "staged";
    private static final String CURRENT = "2";
    private static final int PAGE = 1000;
    private static final Duration PAGE_TIMEOUT = Duration.ofMinutes(1);

    /** The keys of the stored objects in key order, a page at a time. */
    interface Keys {
        List<String> after(String after, int limit);
    }

    /** One rename (the seam the crash tests cut at). */
    interface Mover {
        void move(Path from, Path to) throws IOException;
    }

    /** What one run did. */
    record Outcome(boolean migrated, int moved) {
    }

    private final StorageConfig config;
    private final ObjectRepository objects;

    public LayoutMigration(StorageConfig config, ObjectRepository objects) {
        this.config = config;
        this.objects = objects;
    }

    /** Migrates the configured output directory if it still has the old layout; blocking, for start-up. */
    public Outcome run() throws IOException {
        long started = System.nanoTime();
        Keys keys = (after, limit) -> objects.list(config.bucket(), "", after, false, limit)
                .await().atMost(PAGE_TIMEOUT).stream().map(ObjectRow::key).toList();
        Outcome outcome = migrate(config.outputDirectory(), keys, LayoutMigration::move);
        if (outcome.migrated()) {
            LOG.infof("on-disk layout migrated under %s: %d files moved in %d ms", config.outputDirectory(), outcome.moved(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return outcome;
    }

    static Outcome migrate(Path root, Keys keys, Mover mover) throws IOException {
        try (FileChannel channel = FileChannel.open(root.resolve(MARKER + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lock(channel)) {
            String state = state(root);
            if (CURRENT.equals(state)) {
                return new Outcome(false, 0);
            }
            Path staging = root.resolve(STAGING);
            Files.createDirectories(staging);
            int moved = 0;
            if (!STAGED.equals(state)) {
                moved += stage(root, staging, keys, mover);
                syncDirectory(staging);
                writeMarker(root, STAGED);
            }
            moved += place(root, staging, keys, mover);
            writeMarker(root, CURRENT);
            try {
                Files.delete(staging);
            } catch (DirectoryNotEmptyException e) {
                LOG.warnf("files that were in the way of objects are kept in %s", staging.resolve(IN_THE_WAY));
            }
            return new Outcome(true, moved);
        }
    }

    /** The first pass: every object's old file into the staging directory. */
    private static int stage(Path root, Path staging, Keys keys, Mover mover) throws IOException {
        int moved = 0;
        for (String after = null; ; ) {
            List<String> page = keys.after(after, PAGE);
            for (String key : page) {
                Path old;
                Path current;
                try {
                    old = ObjectKeys.legacyResolve(root, key);
                    current = ObjectKeys.resolve(root, key);
                } catch (S3Exception e) {
                    LOG.warnf("object %s not migrated: %s", key, e.getMessage());
                    continue;
                }
                // a folder object whose folders keep their names is where it belongs already
                if (!old.equals(current) && Files.isRegularFile(old, LinkOption.NOFOLLOW_LINKS)) {
                    mover.move(old, staging.resolve(stagedName(key)));
                    moved++;
                    removeEmptyFolders(root, old.getParent());
                }
            }
            if (page.size() < PAGE) {
                return moved;
            }
            after = page.get(page.size() - 1);
        }
    }

    /** The second pass: from the staging directory to the new names. */
    private static int place(Path root, Path staging, Keys keys, Mover mover) throws IOException {
        int moved = 0;
        for (String after = null; ; ) {
            List<String> page = keys.after(after, PAGE);
            for (String key : page) {
                Path staged = staging.resolve(stagedName(key));
                if (!Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path target = ObjectKeys.resolve(root, key);
                makeFolders(root, target.getParent(), staging);
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && !removeIfOnlyFolders(target)) {
                    // an old folder named like the object's new file ("x.object/" of the key "x.object/y")
                    moveAside(target, staging);
                }
                mover.move(staged, target);
                moved++;
            }
            if (page.size() < PAGE) {
                return moved;
            }
            after = page.get(page.size() - 1);
        }
    }

    /** Creates the folders down to {@code dir}, moving files that are not objects out of the way. */
    private static void makeFolders(Path root, Path dir, Path staging) throws IOException {
        Path at = root;
        for (Path name : root.relativize(dir)) {
            at = at.resolve(name);
            if (Files.isDirectory(at)) {
                continue;
            }
            if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                moveAside(at, staging);
            }
            Files.createDirectory(at);
        }
    }

    private static void moveAside(Path path, Path staging) throws IOException {
        Path aside = staging.resolve(IN_THE_WAY).resolve(UUID.randomUUID() + "-" + path.getFileName());
        Files.createDirectories(aside.getParent());
        LOG.warnf("%s is in the way of an object and is not one: moved to %s", path, aside);
        move(path, aside);
    }

    /** Removes folders the first pass emptied, up to the output directory; never through a symbolic link. */
    private static void removeEmptyFolders(Path root, Path dir) {
        for (Path at = dir; at != null && at.startsWith(root) && !at.equals(root); at = at.getParent()) {
            if (Files.isSymbolicLink(at)) {
                return;
            }
            try {
                Files.delete(at);
            } catch (IOException e) {
                return; // not empty (or gone): so are its parents
            }
        }
    }

    /** Removes a tree of empty folders (deleting objects in the old layout left them); false if it holds a file. */
    private static boolean removeIfOnlyFolders(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            if (paths.anyMatch(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                return false;
            }
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        return true;
    }

    static String stagedName(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A rename; across filesystems (a folder linked to another volume) a copy that a rerun repeats. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static FileLock lock(FileChannel channel) {
        try {
            return channel.lock();
        } catch (IOException e) {
            // some network filesystems refuse locks; then the one-replica-at-a-time rule is the operator's
            LOG.warnf("no lock for the layout migration (%s): migrating without one", e.toString());
            return null;
        }
    }

    private static String state(Path root) throws IOException {
        try {
            return Files.readString(root.resolve(MARKER)).trim();
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static void writeMarker(Path root, String state) throws IOException {
        Path temp = root.resolve(MARKER + ".new");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap((state + "\n").getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        Files.move(temp, root.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(root);
    }

    /** Makes the renames into {@code dir} durable (the journal commits them in order). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debugf("%s not synced: %s", dir, e.toString());
        }
    }
}
