package io.tuneops.storage.service;

import io.tuneops.storage.config.StorageConfig;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files (bodies being received, multipart completions, copies) under
 * {output}/.tuneops-tmp/, named {replica}.{uuid}, and which of them are leftovers. Replicas may
 * share the volume, so a file is a leftover only when nobody can still be writing it:
 * <ul>
 * <li>this replica's own file that no request of this replica is writing (a request ended without
 * cleaning up);</li>
 * <li>the file of a replica that is gone. A replica marks itself alive by touching
 * {output}/.tuneops-replicas/{replica} every quarter of tuneops.storage.replica-timeout; it is gone
 * when its mark is older than that or missing (a clean stop removes it), or at once when it ran on
 * this machine under a process that no longer exists (kill -9 and a restart);</li>
 * <li>a file named without a replica (written by a version before replicas named them) that nobody
 * wrote to for tuneops.storage.replica-timeout.</li>
 * </ul>
 * The replica id is {machine}-{pid}-{random}: machine is a hash of the boot id and the PID namespace
 * on Linux (of the host name elsewhere), so a process id is only looked up where it means something.
 */
@ApplicationScoped
public class TempFiles {

    private static final Logger LOG = Logger.getLogger(TempFiles.class);
    private static final Pattern REPLICA = Pattern.compile("([0-9a-f]{12})-(\\d{1,19})-[0-9a-f]{8}");
    private static final Pattern TEMP = Pattern.compile("(" + REPLICA.pattern() + ")\\.[^.]+");

    private final Vertx vertx;
    private final Path tmp;
    private final Path replicas;
    private final Duration timeout;
    private final String machine;
    private final String id;
    /** The temporary files requests of this replica are writing or about to move into place. */
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public TempFiles(Vertx vertx, StorageConfig config) {
        this.vertx = vertx;
        Path root = config.outputDirectory();
        this.tmp = root.resolve(ObjectKeys.RESERVED + "-tmp");
        this.replicas = root.resolve(ObjectKeys.RESERVED + "-replicas");
        this.timeout = config.replicaTimeout();
        this.machine = machine();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.id = machine + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    /** This replica's id, the prefix of its temporary files' names. */
    public String replicaId() {
        return id;
    }

    public Path directory() {
        return tmp;
    }

    /** Creates the directories and this replica's mark, and keeps the mark fresh; blocking, for start-up. */
    void start() throws IOException {
        Files.createDirectories(tmp);
        Files.createDirectories(replicas);
        writeMark();
        long every = Math.max(100, timeout.toMillis() / 4);
        timer = vertx.setPeriodic(every, t -> vertx.executeBlocking(() -> {
            mark();
            return null;
        }, false).onFailure(e -> LOG.warnf("replica mark %s not refreshed: %s", id, e.toString())));
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            Files.deleteIfExists(replicas.resolve(id));
        } catch (IOException e) {
            LOG.debugf("replica mark %s not removed: %s", id, e.toString());
        }
    }

    private void mark() throws IOException {
        Path mark = replicas.resolve(id);
        try {
            Files.setLastModifiedTime(mark, FileTime.from(Instant.now()));
        } catch (NoSuchFileException e) {
            // another replica took this one for gone (paused past the timeout) and removed its mark
            writeMark();
        }
    }

    private void writeMark() throws IOException {
        Files.writeString(replicas.resolve(id), "pid " + ProcessHandle.current().pid() + " on " + hostName() + "\n");
    }

    /** A new temporary file's path, counted as in flight until {@link #release}. */
    Path newPath() {
        Path path = tmp.resolve(id + "." + UUID.randomUUID());
        inFlight.add(path);
        return path;
    }

    /** How many temporary files requests of this replica are writing now. */
    public int inFlightCount() {
        return inFlight.size();
    }

    /** The file was moved into place or deleted: no request of this replica writes it any more. */
    void release(Path path) {
        inFlight.remove(path);
    }

    /** A leftover that is an object's file a change set aside, and the object's key ({@link AsideMark}). */
    public record SetAsideFile(Path file, String key) {
    }

    /** What a sweep did: how many temporary files it removed, and the leftovers it kept for {@link AsideRecovery}. */
    public record Swept(int removed, List<SetAsideFile> setAside) {
    }

    /**
     * Removes the leftovers (see the class comment), except objects' files that a change set aside,
     * which are kept for {@link AsideRecovery}. Blocking.
     */
    public Swept sweep() {
        Instant now = Instant.now();
        Map<String, Boolean> alive = new HashMap<>();
        int removed = 0;
        List<SetAsideFile> setAside = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path file : files) {
                if (!leftover(file, now, alive)) {
                    continue;
                }
                Optional<String> key = AsideMark.read(file);
                if (key.isPresent()) {
                    setAside.add(new SetAsideFile(file, key.get()));
                } else if (Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("leftover temporary files under %s not removed: %s", tmp, e.toString());
        }
        try (DirectoryStream<Path> marks = Files.newDirectoryStream(replicas)) {
            for (Path mark : marks) {
                String replica = mark.getFileName().toString();
                if (!replica.equals(id) && !alive.computeIfAbsent(replica, r -> alive(r, now))) {
                    Files.deleteIfExists(mark);
                }
            }
        } catch (IOException e) {
            LOG.warnf("marks of replicas that are gone not removed from %s: %s", replicas, e.toString());
        }
        return new Swept(removed, setAside);
    }

    private boolean leftover(Path file, Instant now, Map<String, Boolean> alive) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Matcher m = TEMP.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return Files.getLastModifiedTime(file).toInstant().isBefore(now.minus(timeout));
        }
        String owner = m.group(1);
        if (owner.equals(id)) {
            return !inFlight.contains(file);
        }
        return !alive.computeIfAbsent(owner, o -> alive(o, now));
    }

    private boolean alive(String replica, Instant now) {
        Matcher m = REPLICA.matcher(replica);
        if (m.matches() && m.group(1).equals(machine)) {
            long pid = Long.parseLong(m.group(2));
            if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) {
                return false;
            }
        }
        try {
            return Files.getLastModifiedTime(replicas.resolve(replica)).toInstant().isAfter(now.minus(timeout));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Which processes this one can see, the first part of replica ids: a hash of the boot id and the
     * PID namespace on Linux (containers on one node share the first, not the second), of the host
     * name elsewhere.
     */
    public static String machine() {
        String identity;
        try {
            identity = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim() + " "
                    + Files.readSymbolicLink(Path.of("/proc/self/ns/pid"));
        } catch (IOException | UnsupportedOperationException e) {
            identity = hostName();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For people reading a mark; the environment and /proc first, as a name lookup can be slow. */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "unknown host";
            }
        }
    }
}
