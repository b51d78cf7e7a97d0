package io.tuneops.webhook;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking it every 50 ms: how tests wait for asynchronous work. */
final class Poll {

    private Poll() {
    }

    static <T> T until(Duration deadline, String what, Supplier<T> value, java.util.function.Predicate<T> done) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what + " (last: " + last + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            last = value.get();
        }
        return last;
    }

    static void until(Duration deadline, String what, Supplier<Boolean> condition) {
        until(deadline, what, condition, Boolean::booleanValue);
    }
}
