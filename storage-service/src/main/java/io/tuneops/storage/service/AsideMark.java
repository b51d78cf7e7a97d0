package io.tuneops.storage.service;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The key an object's file belongs to, written on the file (the extended attribute
 * user.tuneops.key) just before a delete or an overwrite sets it aside, so that when the process
 * dies before the change is settled the files it set aside can be given back to their keys
 * ({@link AsideRecovery}) instead of being swept away with the temporary files. An attribute, not a
 * file of its own: a system call on a file the change touches anyway. A volume without user
 * extended attributes is reported once, and its set-aside files are swept as before.
 */
final class AsideMark {

    private static final Logger LOG = Logger.getLogger(AsideMark.class);
    private static final String NAME = "tuneops.key";
    private static final AtomicBoolean UNSUPPORTED_REPORTED = new AtomicBoolean();

    private AsideMark() {
    }

    /** Marks {@code file} as {@code key}'s; blocking. A volume that cannot keep the mark is reported once. */
    static void write(Path file, String key) throws NoSuchFileException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        try {
            if (view == null) {
                throw new UnsupportedOperationException("no user-defined attributes");
            }
            view.write(NAME, ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            throw e;
        } catch (UnsupportedOperationException e) {
            reportUnsupported(e);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("not supported")) {
                reportUnsupported(e);
            } else {
                LOG.warnf("%s not marked as %s's before it is set aside (swept, not given back, after a crash): %s", file, key,
                        e.toString());
            }
        }
    }

    private static void reportUnsupported(Exception e) {
        if (UNSUPPORTED_REPORTED.compareAndSet(false, true)) {
            LOG.warnf("files set aside cannot be marked with their keys on this volume (%s): after a crash, those of changes "
                    + "in progress are swept instead of given back", e.toString());
        }
    }

    /** The key {@code file} was marked with, if any; blocking. */
    static Optional<String> read(Path file) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) {
            return Optional.empty();
        }
        try {
            ByteBuffer value = ByteBuffer.allocate(view.size(NAME));
            view.read(NAME, value);
            return Optional.of(new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
