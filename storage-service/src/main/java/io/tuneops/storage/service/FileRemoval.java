package io.tuneops.storage.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.store.LastStep;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The last step of a transaction that deletes objects' rows: their files are moved aside under the
 * keys' locks just before the COMMIT, deleted in the background once it committed
 * ({@link ObjectStore#dropAside}), and put back when it did not, so a delete that fails leaves its
 * objects readable. One per transaction.
 */
public final class FileRemoval<T> implements LastStep<T> {

    private final ObjectStore store;
    private final Function<T, List<Path>> files;
    private volatile List<ObjectStore.Aside> moved = List.of();

    /** {@code files}: the files of the objects whose rows the transaction deleted, from its result. */
    public FileRemoval(ObjectStore store, Function<T, List<Path>> files) {
        this.store = store;
        this.files = files;
    }

    @Override
    public Uni<?> apply(T result, Duration left) {
        return UniHelper.toUni(store.moveAside(files.apply(result))).invoke(aside -> moved = aside);
    }

    @Override
    public Uni<?> committed(T result) {
        return UniHelper.toUni(store.dropAside(moved));
    }

    @Override
    public Uni<?> notCommitted(T result) {
        return UniHelper.toUni(store.putBack(moved));
    }
}
