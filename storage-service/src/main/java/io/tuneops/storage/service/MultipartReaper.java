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

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Removes multipart uploads nobody completed or aborted within tuneops.storage.multipart-ttl,
 * with their part files. Safe with several replicas: each upload row is deleted by exactly one.
 */
@ApplicationScoped
public class MultipartReaper {

    private static final Logger LOG = Logger.getLogger(MultipartReaper.class);
    private static final int BATCH = 100;

    private final Vertx vertx;
    private final StorageConfig config;
    private final MultipartRepository uploads;
    private final ObjectStore store;
    private long timer = -1;

    public MultipartReaper(Vertx vertx, StorageConfig config, MultipartRepository uploads, ObjectStore store) {
        this.vertx = vertx;
        this.config = config;
        this.uploads = uploads;
        this.store = store;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.reapInterval().toMillis(), id -> reap()
                .subscribe().with(n -> {
                    if (n > 0) {
                        LOG.infof("removed %d abandoned multipart uploads", n);
                    }
                }, e -> LOG.warnf("abandoned multipart uploads not removed: %s", e.toString())));
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

    private Uni<Void> removeFiles(List<String> ids) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String id : ids) {
            chain = chain.flatMap(v -> UniHelper.toUni(store.deleteRecursive(store.uploadDirectory(id))));
        }
        return chain;
    }
}
