package io.tuneops.storage.service;

import io.tuneops.storage.s3.S3Exception;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Object keys are paths below the output directory, so every key is checked before it comes near
 * the filesystem: at most 1024 UTF-8 bytes (S3's limit) and 255 per segment (the filesystem's), no
 * NUL or other control characters, not absolute, no empty, "." or ".." segments, and no segment
 * starting with ".tuneops" (the names our temporary and multipart files use). A key that passes
 * can only name a file inside the directory, which {@link #resolve} checks once more.
 */
public final class ObjectKeys {

    public static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_SEGMENT_BYTES = 255;
    /** Reserved segment prefix: our own files, never an object. */
    public static final String RESERVED = ".tuneops";
    /** The file that holds the content of a key ending in '/' (a "folder" object). */
    static final String FOLDER_OBJECT = ".tuneops-folder-object";

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
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new S3Exception(400, "KeyTooLongError", "A segment of your key is longer than 255 bytes");
            }
        }
    }

    /** The file holding a validated key's content, guaranteed inside {@code root}. */
    public static Path resolve(Path root, String key) {
        validate(key);
        Path p = key.endsWith("/") ? root.resolve(key).resolve(FOLDER_OBJECT) : root.resolve(key);
        Path normalized = p.normalize();
        if (!normalized.startsWith(root) || normalized.equals(root)) {
            throw S3Exception.invalidArgument("Invalid object key");
        }
        return normalized;
    }
}
