package io.tuneops.system;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a probe until its value satisfies a condition or a deadline passes; the caller asserts on the value. */
final class Eventually {

    private Eventually() {
    }

    /** The first value of {@code probe} that satisfies {@code done}, or the last one read when {@code timeout} has passed. */
    static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            ServiceProcess.pause(Duration.ofMillis(100));
            value = probe.get();
        }
        return value;
    }
}
