package io.tuneops.storage.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.store.LastStep;
import io.vertx.core.Future;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The last step of a transaction that changes objects' rows, for the files it removes or replaces:
 * they are set aside (given a temporary name of this replica) under the keys' locks just before the
 * COMMIT, and deleted in the background once it committed ({@link ObjectStore#dropAside}). When it
 * did not commit, a delete's files are put back, so a delete that fails leaves its objects
 * readable, and a new version's file makes way for the one it replaced, so an overwrite that fails
 * leaves the object as it was, row and bytes. One per transaction.
 */
public final class FilesSetAside<T> implements LastStep<T> {

    private static final Logger LOG = Logger.getLogger(FilesSetAside.class);

    /**
     * After a COMMIT that failed: runs {@code undo} in a transaction of its own holding the key's
     * lock, unless the key's row shows that the change committed after all (its answer lost);
     * whether it ran.
     */
    @FunctionalInterface
    public interface UnlessCommitted {
        Uni<Boolean> run(Supplier<Uni<?>> undo);
    }

    /** What a transaction that did not commit does with the files its step set aside. */
    @FunctionalInterface
    private interface Undo {
        Uni<?> run(ObjectStore.SetAside moved, Ending how);
    }

    private final BiFunction<T, Duration, Uni<ObjectStore.SetAside>> step;
    private final Undo undo;
    private volatile ObjectStore.SetAside aside = new ObjectStore.SetAside(List.of(), Future.succeededFuture());
    private final ObjectStore store;

    private FilesSetAside(ObjectStore store, BiFunction<T, Duration, Uni<ObjectStore.SetAside>> step, Undo undo) {
        this.store = store;
        this.step = step;
        this.undo = undo;
    }

    /** A delete's step: {@code keys} are those of the objects whose rows the transaction deleted, from its result. */
    public static <T> FilesSetAside<T> removing(ObjectStore store, Function<T, List<String>> keys) {
        return new FilesSetAside<>(store, (result, left) -> UniHelper.toUni(store.moveAside(keys.apply(result))),
                (moved, how) -> UniHelper.toUni(store.putBack(moved.files())));
    }

    /**
     * A new version's step: {@code moveIntoPlace} moves its file into place, the one it replaces
     * aside ({@link ObjectStore#replace}); the folders' sync runs beside the COMMIT and is waited
     * for after it. Not committed, the replace is undone ({@link ObjectStore#undoReplace}): at once
     * while the transaction still holds the key's lock, through {@code unlessCommitted} once a
     * failed COMMIT released it; an undo that fails is left to {@link AsideRecovery#settleSoon}.
     */
    public static <T> FilesSetAside<T> replacing(ObjectStore store, AsideRecovery recovery,
                                                 BiFunction<T, Duration, Uni<ObjectStore.SetAside>> moveIntoPlace,
                                                 UnlessCommitted unlessCommitted) {
        return new FilesSetAside<>(store, moveIntoPlace, (moved, how) -> {
            if (moved.placed().isEmpty()) {
                return UniHelper.toUni(store.dropAside(moved.files()));
            }
            Supplier<Uni<?>> undoReplace = () -> UniHelper.toUni(store.undoReplace(moved));
            Uni<?> undone = how == Ending.ROLLING_BACK ? undoReplace.get()
                    : unlessCommitted.run(undoReplace)
                    .call(ran -> ran ? Uni.createFrom().voidItem() : UniHelper.toUni(store.dropAside(moved.files())));
            return undone.onFailure().invoke(e -> {
                ObjectStore.Placed placed = moved.placed().get();
                LOG.errorf("key %s: the change that did not commit was not undone (%s); the file it replaced is settled again "
                        + "shortly, given back if the key's row still describes it", placed.key(), e);
                store.keepForRecovery(moved.files());
                recovery.settleSoon(moved.files().stream().map(aside -> new TempFiles.SetAsideFile(aside.temp(), placed.key())).toList())
                        .subscribe().with(v -> { }, failure -> LOG.warnf("files set aside from %s not settled: %s", placed.key(), failure));
            });
        });
    }

    @Override
    public Uni<?> apply(T result, Duration left) {
        return step.apply(result, left).invoke(moved -> aside = moved);
    }

    @Override
    public Uni<?> committed(T result) {
        ObjectStore.SetAside moved = aside;
        return UniHelper.toUni(moved.synced().otherwiseEmpty().compose(v -> store.dropAside(moved.files())));
    }

    @Override
    public Uni<?> notCommitted(T result, Ending how) {
        ObjectStore.SetAside moved = aside;
        // the sync's own failure was logged; the files are settled all the same
        return UniHelper.toUni(moved.synced()).onFailure().recoverWithNull().chain(() -> undo.run(moved, how));
    }
}
