package io.tuneops.storage.service;

import io.tuneops.storage.s3.S3Exception;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Object keys, and the file that holds each key's bytes. Every key is checked before it comes near
 * the filesystem: at most 1024 UTF-8 bytes (S3's limit), no NUL or other control characters, not
 * absolute, no empty, "." or ".." segments, and no segment starting with ".tuneops" (the names our
 * own files use). Keys are not paths: "a/b" and "a/b/c" can both be objects, so a key's file is
 * never named the way a folder can be ({@link #resolve}), and a key that passes can only name a file
 * inside the output directory, which {@link #resolve} checks once more.
 */
public final class ObjectKeys {

    public static final int MAX_KEY_BYTES = 1024;
    /** The longest file name ext4, XFS, btrfs and APFS take (NAME_MAX). */
    static final int MAX_NAME_BYTES = 255;
    /** Reserved segment prefix: our own files, never an object. */
    public static final String RESERVED = ".tuneops";
    /** Appended to the last segment of a key to name the file holding its bytes. */
    static final String OBJECT_SUFFIX = ".object";
    /** Appended to a folder whose name would otherwise end like an object's file (or like this). */
    static final String FOLDER_SUFFIX = ".prefix";
    /** The file that holds the content of a key ending in '/' (a "folder" object), inside that folder. */
    static final String FOLDER_OBJECT = ".tuneops-folder-object";
    /** Names of segments too long for the filesystem: a file's and a folder's, told apart by the tag. */
    private static final String LONG_FILE = RESERVED + "-f-";
    private static final String LONG_FOLDER = RESERVED + "-d-";
    /** How much of a too-long segment stays readable in its file name. */
    private static final int READABLE_BYTES = 64;

    private ObjectKeys() {
    }

    /** Throws KeyTooLongError or InvalidArgument for keys that cannot be stored. */
    public static void validate(String key) {
        if (key == null || key.isEmpty()) {
            throw S3Exception.invalidArgument("The object key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(400, "KeyTooLongError", "Your key is too long", key.substring(0, Math.min(64, key.length())));
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw S3Exception.invalidArgument("Object keys must not contain control characters");
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1));
                if (!paired) {
                    throw S3Exception.invalidArgument("Object keys must be valid UTF-8");
                }
                i++;
            }
        }
        if (key.startsWith("/")) {
            throw S3Exception.invalidArgument("Object keys must not be absolute paths");
        }
        String body = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        if (body.isEmpty()) {
            throw S3Exception.invalidArgument("Object keys must not be only '/'");
        }
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw S3Exception.invalidArgument("Object keys must not contain empty, '.' or '..' path segments");
            }
            if (segment.toLowerCase(Locale.ROOT).startsWith(RESERVED)) {
                throw S3Exception.invalidArgument("Object key segments must not start with " + RESERVED);
            }
        }
    }

    /**
     * The file holding a key's bytes, strictly inside {@code root}. Every segment but the last is a
     * folder named as the segment, with ".prefix" appended when the segment ends in ".object" or
     * ".prefix" (either case); the last segment names the file, with ".object" appended; a key
     * ending in '/' keeps its bytes in ".tuneops-folder-object" inside its folder. So
     * {@code job-42/checkpoint-500/model.safetensors} is {@code job-42/checkpoint-500/model.safetensors.object}.
     * A name that would pass the filesystem's 255 bytes becomes ".tuneops-f-" (a file) or
     * ".tuneops-d-" (a folder), the SHA-256 of the segment in hex, '-' and its first bytes. No
     * object's file can have a folder's name, and no two keys share a file, so any two keys coexist.
     */
    public static Path resolve(Path root, String key) {
        validate(key);
        String[] segments = key.split("/", -1);
        Path p = root;
        for (int i = 0; i < segments.length - 1; i++) {
            p = p.resolve(folderName(segments[i]));
        }
        String last = segments[segments.length - 1];
        return inside(root, p.resolve(last.isEmpty() ? FOLDER_OBJECT : fileName(last)));
    }

    /**
     * Where the key's bytes were before keys stopped being paths: {root}/{key}, and
     * {root}/{key}.tuneops-folder-object for a key ending in '/'. Only the layout migration reads it.
     */
    static Path legacyResolve(Path root, String key) {
        validate(key);
        return inside(root, key.endsWith("/") ? root.resolve(key).resolve(FOLDER_OBJECT) : root.resolve(key));
    }

    private static Path inside(Path root, Path p) {
        Path normalized = p.normalize();
        if (!normalized.startsWith(root) || normalized.equals(root)) {
            throw S3Exception.invalidArgument("Invalid object key");
        }
        return normalized;
    }

    static String fileName(String segment) {
        String name = segment + OBJECT_SUFFIX;
        return bytes(name) <= MAX_NAME_BYTES ? name : longName(LONG_FILE, segment);
    }

    static String folderName(String segment) {
        String name = endsWith(segment, OBJECT_SUFFIX) || endsWith(segment, FOLDER_SUFFIX) ? segment + FOLDER_SUFFIX : segment;
        return bytes(name) <= MAX_NAME_BYTES ? name : longName(LONG_FOLDER, segment);
    }

    /** Case-insensitive, so that no folder can have a file's name on a case-insensitive volume (macOS) either. */
    private static boolean endsWith(String segment, String suffix) {
        return segment.regionMatches(true, segment.length() - suffix.length(), suffix, 0, suffix.length());
    }

    private static String longName(String tag, String segment) {
        byte[] utf8 = segment.getBytes(StandardCharsets.UTF_8);
        String readable = segment;
        while (bytes(readable) > READABLE_BYTES) {
            readable = readable.substring(0, readable.offsetByCodePoints(readable.length(), -1));
        }
        try {
            return tag + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8)) + "-" + readable;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
