package io.tuneops.storage.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.ObjectRepository;
import io.tuneops.storage.repository.ObjectRow;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Gives back to their keys the files a dead process had set aside in the middle of a delete or an
 * overwrite, which the sweep finds among the leftovers ({@link TempFiles.Swept#setAside}). A delete
 * moves its objects' files aside, and an overwrite puts its new file in place, before their COMMIT:
 * killed in between, the process leaves rows whose files are aside, or an old row over a new file.
 * For each file, the key's row decides: the file goes back when it is the object the row describes
 * and the file in the key's place is not, and is removed otherwise. The files are read (their
 * digests) before the key's lock is taken, and the row is read again under the lock: a row that
 * changed meanwhile was written by a later change, and the file is removed.
 */
@ApplicationScoped
public class AsideRecovery {

    private static final Logger LOG = Logger.getLogger(AsideRecovery.class);
    private static final int RETRY_SECONDS = 2;
    private static final int GIVE_UP_MINUTES = 10;

    private final StorageConfig config;
    private final ObjectRepository objects;
    private final ObjectStore store;

    public AsideRecovery(StorageConfig config, ObjectRepository objects, ObjectStore store) {
        this.config = config;
        this.objects = objects;
        this.store = store;
    }

    /**
     * Settles files of this replica whose change could not be settled when it ended (PostgreSQL
     * away, or the file system failing): tried again every {@value #RETRY_SECONDS} s, for up to
     * {@value #GIVE_UP_MINUTES} minutes, then left to the sweep. Completes once every file is
     * settled or the tries are over; the caller need not wait for it.
     */
    public Uni<Void> settleSoon(List<TempFiles.SetAsideFile> files) {
        return settleSoon(files, System.nanoTime() + TimeUnit.MINUTES.toNanos(GIVE_UP_MINUTES));
    }

    private Uni<Void> settleSoon(List<TempFiles.SetAsideFile> files, long giveUpAt) {
        return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofSeconds(RETRY_SECONDS))
                .chain(() -> unsettled(files))
                .chain(left -> {
                    if (left.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    if (System.nanoTime() - giveUpAt >= 0) {
                        LOG.warnf("%d files set aside not settled after %d minutes; the sweep takes them", left.size(), GIVE_UP_MINUTES);
                        return Uni.createFrom().voidItem();
                    }
                    return settleSoon(left, giveUpAt);
                });
    }

    /** Tries each file once, in turn; those that could not be settled (the sweep's pass logs them). */
    public Uni<List<TempFiles.SetAsideFile>> unsettled(List<TempFiles.SetAsideFile> files) {
        Uni<List<TempFiles.SetAsideFile>> chain = Uni.createFrom().item(new ArrayList<>());
        for (TempFiles.SetAsideFile file : files) {
            chain = chain.chain(left -> recover(file)
                    .map(back -> left)
                    .onFailure().recoverWithItem(e -> {
                        LOG.debugf("file %s set aside from %s not settled yet: %s", file.file(), file.key(), e.toString());
                        left.add(file);
                        return left;
                    }));
        }
        return chain;
    }

    private Uni<Boolean> recover(TempFiles.SetAsideFile file) {
        String bucket = config.bucket();
        return objects.find(bucket, file.key())
                .chain(row -> UniHelper.toUni(store.inspectAside(file.file(), file.key(), row))
                        .chain(seen -> objects.underKeyLock(bucket, file.key(), tx -> objects.find(tx, bucket, file.key())
                                // a row that changed since is a later change's, which committed: the file is not the object's
                                .chain(now -> sameVersion(row, now) ? UniHelper.toUni(store.settleAside(file.file(), file.key(), seen))
                                        : UniHelper.toUni(store.deleteFile(file.file())).replaceWith(false)))))
                .invoke(back -> {
                    if (back) {
                        LOG.warnf("gave %s back the file set aside by a change that did not commit", file.key());
                    }
                });
    }

    private static boolean sameVersion(Optional<ObjectRow> before, Optional<ObjectRow> now) {
        return before.map(ObjectRow::etag).equals(now.map(ObjectRow::etag))
                && Objects.equals(before.map(ObjectRow::lastModified), now.map(ObjectRow::lastModified));
    }
}
