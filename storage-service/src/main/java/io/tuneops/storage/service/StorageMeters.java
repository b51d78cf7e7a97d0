package io.tuneops.storage.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This replica's S3 traffic for the storage dashboard and alerts: bytes received into objects and
 * parts, bytes sent from objects, objects completed (with their sizes), error answers by S3
 * code, and the files interrupted uploads left behind that were removed. Error codes come from our own fixed set of S3 errors, so the {@code code} label stays small;
 * the ones alerts look at are registered at start so their series exist before the first error.
 */
@Startup // registered at start, not on first use, so every series is exported from the first scrape
@ApplicationScoped
public class StorageMeters {

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter sent;
    private final Map<CompletionAction, Counter> completed = new EnumMap<>(CompletionAction.class);
    private final Map<CompletionAction, DistributionSummary> sizes = new EnumMap<>(CompletionAction.class);
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Map<Leftover, Counter> leftovers = new EnumMap<>(Leftover.class);

    /** What the leftover sweep removes: temporary files, and part files of uploads no longer in progress. */
    public enum Leftover {
        TEMP("temp"), PART("part");

        private final String label;

        Leftover(String label) {
            this.label = label;
        }
    }

    public StorageMeters(MeterRegistry registry) {
        this.registry = registry;
        received = Counter.builder("tuneops_storage_received_bytes").baseUnit("bytes")
                .description("Bytes of object and part bodies received and checked").register(registry);
        sent = Counter.builder("tuneops_storage_sent_bytes").baseUnit("bytes")
                .description("Bytes of objects sent to clients in full").register(registry);
        for (CompletionAction action : CompletionAction.values()) {
            completed.put(action, Counter.builder("tuneops_storage_objects_completed")
                    .description("Objects completed, by how").tag("action", action.label()).register(registry));
            sizes.put(action, DistributionSummary.builder("tuneops_storage_object_size").baseUnit("bytes")
                    .description("Size of completed objects, by how").tag("action", action.label()).register(registry));
        }
        for (Leftover kind : Leftover.values()) {
            leftovers.put(kind, Counter.builder("tuneops_storage_leftovers_removed")
                    .description("Temporary files and multipart part files left behind by interrupted uploads, removed")
                    .tag("kind", kind.label).register(registry));
        }
        error(500, "InternalError", false);
        error(503, "ServiceUnavailable", false);
        error(403, "AccessDenied", false);
        error(403, "SignatureDoesNotMatch", false);
    }

    public void received(long bytes) {
        received.increment(bytes);
    }

    public void sent(long bytes) {
        sent.increment(bytes);
    }

    public void completed(CompletionAction action, long size) {
        completed.get(action).increment();
        sizes.get(action).record(size);
    }

    public void leftoversRemoved(Leftover kind, int files) {
        leftovers.get(kind).increment(files);
    }

    /** An error answer: {@code status} and S3 {@code code}. */
    public void error(int status, String code) {
        error(status, code, true);
    }

    private void error(int status, String code, boolean count) {
        Counter counter = errors.computeIfAbsent(status + " " + code, k -> Counter.builder("tuneops_storage_errors")
                .description("S3 error answers, by HTTP status and S3 error code")
                .tag("status", Integer.toString(status)).tag("code", code).register(registry));
        if (count) {
            counter.increment();
        }
    }
}
