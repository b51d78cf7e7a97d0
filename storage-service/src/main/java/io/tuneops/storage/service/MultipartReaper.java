package io.tuneops.storage.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.storage.config.StorageConfig;
import io.tuneops.storage.repository.MultipartRepository;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Removes multipart uploads nobody completed or aborted within tuneops.storage.multipart-ttl,
 * with their part files, and what interrupted uploads left behind: temporary files nobody writes
 * any more ({@link TempFiles}; objects' files a change set aside go back to their keys or away,
 * {@link AsideRecovery}) and part files of uploads no longer in progress in PostgreSQL (a
 * process killed between ending an upload and deleting its parts). At start and every
 * tuneops.storage.reap-interval. Safe with several replicas: each upload row is deleted by exactly
 * one, and a part directory goes only once its upload's row is gone.
 */
@ApplicationScoped
public class MultipartReaper {

    private static final Logger LOG = Logger.getLogger(MultipartReaper.class);
    private static final int BATCH = 100;
    private static final Duration START_SWEEP_LIMIT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final StorageConfig config;
    private final MultipartRepository uploads;
    private final ObjectStore store;
    private final TempFiles temps;
    private final StorageMeters meters;
    private final AsideRecovery recovery;
    private long timer = -1;

    public MultipartReaper(Vertx vertx, StorageConfig config, MultipartRepository uploads, ObjectStore store, TempFiles temps,
                           StorageMeters meters, AsideRecovery recovery) {
        this.recovery = recovery;
        this.vertx = vertx;
        this.config = config;
        this.uploads = uploads;
        this.store = store;
        this.temps = temps;
        this.meters = meters;
    }

    /** After ObjectStore's start (default priority): leftovers of a killed process go before the first request. */
    void start(@Observes StartupEvent event) {
        // not cancelled when it outlasts the wait: settling large files set aside can take longer
        CompletableFuture<Void> pass = removeLeftovers().subscribeAsCompletionStage();
        try {
            pass.get(START_SWEEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("leftovers still being settled after %s; requests are served meanwhile", START_SWEEP_LIMIT);
        } catch (ExecutionException e) {
            LOG.warnf("leftovers not removed at start (next pass in %s): %s", config.reapInterval(), e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = vertx.setPeriodic(config.reapInterval().toMillis(), id -> reap()
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("removed %d abandoned multipart uploads", n);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("abandoned multipart uploads not removed: %s", e.toString()))
                .onItemOrFailure().transformToUni((n, e) -> removeLeftovers())
                .subscribe().with(v -> { }, e -> LOG.warnf("leftovers not removed: %s", e.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One pass: removes up to a batch of expired uploads at a time until none is left; how many. */
    public Uni<Integer> reap() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(config.multipartTtl());
        return uploads.reap(before, BATCH).flatMap(ids -> removeFiles(ids).flatMap(v -> ids.size() < BATCH
                ? Uni.createFrom().item(ids.size())
                : reap().map(more -> more + ids.size())));
    }

    /**
     * One pass over what interrupted uploads left: temporary files (see {@link TempFiles}), then the
     * part directories of uploads PostgreSQL no longer has, each counted in
     * tuneops_storage_leftovers_removed_total.
     */
    public Uni<Void> removeLeftovers() {
        Uni<Void> tempFiles = UniHelper.toUni(vertx.executeBlocking(temps::sweep, false)).invoke(swept -> {
            meters.leftoversRemoved(StorageMeters.Leftover.TEMP, swept.removed());
            if (swept.removed() > 0) {
                LOG.infof("removed %d leftover temporary files", swept.removed());
            }
        }).chain(swept -> recovery.unsettled(swept.setAside())).invoke(left -> {
            if (!left.isEmpty()) {
                LOG.warnf("%d files set aside not settled (next pass)", left.size());
            }
        }).replaceWithVoid();
        return tempFiles.chain(() -> UniHelper.toUni(vertx.executeBlocking(store::uploadsWithParts, false)))
                .chain(ids -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (String id : ids) {
                        chain = chain.chain(sum -> uploads.find(id).chain(upload -> upload.isPresent()
                                ? Uni.createFrom().item(sum)
                                : UniHelper.toUni(vertx.executeBlocking(() -> store.removeUploadDirectory(id), false)).map(n -> sum + n)));
                    }
                    return chain;
                })
                .invoke(n -> {
                    meters.leftoversRemoved(StorageMeters.Leftover.PART, n);
                    if (n > 0) {
                        LOG.infof("removed %d leftover part files", n);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Void> removeFiles(List<String> ids) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String id : ids) {
            chain = chain.flatMap(v -> UniHelper.toUni(store.deleteRecursive(store.uploadDirectory(id))));
        }
        return chain;
    }
}
