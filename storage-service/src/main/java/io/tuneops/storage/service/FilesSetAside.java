package io.tuneops.storage.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.store.LastStep;
import io.vertx.core.Future;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The last step of a transaction that changes objects' rows, for the files it removes or replaces:
 * they are set aside (given a temporary name of this replica) under the keys' locks just before the
 * COMMIT, and deleted in the background once it committed ({@link ObjectStore#dropAside}). When it
 * did not commit, a delete's files are put back, so a delete that fails leaves its objects
 * readable; a file a new version replaced is deleted all the same, the new one being in its place
 * already. One per transaction.
 */
public final class FilesSetAside<T> implements LastStep<T> {

    private final ObjectStore store;
    private final BiFunction<T, Duration, Uni<ObjectStore.SetAside>> step;
    private final boolean putBackIfNotCommitted;
    private volatile ObjectStore.SetAside aside = new ObjectStore.SetAside(List.of(), Future.succeededFuture());

    private FilesSetAside(ObjectStore store, BiFunction<T, Duration, Uni<ObjectStore.SetAside>> step, boolean putBackIfNotCommitted) {
        this.store = store;
        this.step = step;
        this.putBackIfNotCommitted = putBackIfNotCommitted;
    }

    /** A delete's step: {@code files} are those of the objects whose rows the transaction deleted, from its result. */
    public static <T> FilesSetAside<T> removing(ObjectStore store, Function<T, List<Path>> files) {
        return new FilesSetAside<>(store, (result, left) -> UniHelper.toUni(store.moveAside(files.apply(result))), true);
    }

    /**
     * A new version's step: {@code moveIntoPlace} moves its file into place, the one it replaces
     * aside ({@link ObjectStore#replace}); the folders' sync runs beside the COMMIT and is waited
     * for after it.
     */
    public static <T> FilesSetAside<T> replacing(ObjectStore store, BiFunction<T, Duration, Uni<ObjectStore.SetAside>> moveIntoPlace) {
        return new FilesSetAside<>(store, moveIntoPlace, false);
    }

    @Override
    public Uni<?> apply(T result, Duration left) {
        return step.apply(result, left).invoke(moved -> aside = moved);
    }

    @Override
    public Uni<?> committed(T result) {
        ObjectStore.SetAside moved = aside;
        return UniHelper.toUni(moved.synced().compose(v -> store.dropAside(moved.files())));
    }

    @Override
    public Uni<?> notCommitted(T result) {
        ObjectStore.SetAside moved = aside;
        return UniHelper.toUni(moved.synced().compose(v -> putBackIfNotCommitted ? store.putBack(moved.files()) : store.dropAside(moved.files())));
    }
}
