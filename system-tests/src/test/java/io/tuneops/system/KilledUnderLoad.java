package io.tuneops.system;

import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changes sent to storage-service from several threads until it is killed with SIGKILL. */
final class KilledUnderLoad {

    /** One thread's work: changes until the kill makes a request fail; {@code acknowledged} counts what storage-service answered. */
    @FunctionalInterface
    interface Worker {
        void run(int thread, S3Client s3, AtomicBoolean killed, AtomicInteger acknowledged);
    }

    private KilledUnderLoad() {
    }

    /**
     * Runs {@code worker} on {@code threads} threads, kills storage-service once {@code acknowledged}
     * changes were answered (or after 30 s), and waits for the threads; returns the failures that
     * came before the kill.
     */
    static Set<String> run(Suite suite, StorageJob job, int threads, int acknowledged, Worker worker) throws Exception {
        AtomicBoolean killing = new AtomicBoolean();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        Set<String> before = ConcurrentHashMap.newKeySet();
        CountDownLatch started = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(pool.submit(() -> {
                try (S3Client s3 = direct(suite, job)) {
                    started.countDown();
                    worker.run(thread, s3, killed, answered);
                } catch (RuntimeException e) {
                    // the kill: what was in flight may or may not have been done
                    if (!killing.get()) {
                        before.add(e.toString());
                    }
                }
            }));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (answered.get() < acknowledged && System.nanoTime() < until) {
            ServiceProcess.pause(Duration.ofMillis(5));
        }
        assertTrue(answered.get() > 0, "changes answered before the kill");
        ServiceProcess storage = suite.service("storage-service");
        killing.set(true);
        storage.process().destroyForcibly(); // SIGKILL: no shutdown hook, nothing settled
        assertTrue(storage.process().waitFor(10, TimeUnit.SECONDS));
        killed.set(true);
        for (Future<?> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return before;
    }

    /** storage-service itself, with one attempt per request: the kill must not be retried away. */
    static S3Client direct(Suite suite, StorageJob job) {
        return S3Client.builder().endpointOverride(URI.create(suite.service("storage-service").url("/api/cloud/storage")))
                .region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(job.keys())
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    static String md5(byte[] bytes) {
        return HexFormat.of().formatHex(md5().digest(bytes));
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
