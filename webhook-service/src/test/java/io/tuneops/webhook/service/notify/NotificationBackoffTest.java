package io.tuneops.webhook.service.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wait before a retry: doubled per attempt, capped, jittered from half to the whole. */
class NotificationBackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(15));

    @Test
    void doublesPerAttemptUpToTheCap() {
        assertEquals(Duration.ofSeconds(5), backoff.after(1, 1.0));
        assertEquals(Duration.ofSeconds(10), backoff.after(2, 1.0));
        assertEquals(Duration.ofSeconds(40), backoff.after(4, 1.0));
        assertEquals(Duration.ofMinutes(15), backoff.after(9, 1.0));
        assertEquals(Duration.ofMinutes(15), backoff.after(1000, 1.0));
        assertEquals(Duration.ofMillis(2500), backoff.after(1, 0.5));
    }

    @Test
    void theJitterStaysWithinHalfAndTheWhole() {
        for (int i = 0; i < 1000; i++) {
            Duration wait = backoff.after(3);
            assertTrue(wait.compareTo(Duration.ofSeconds(10)) >= 0 && wait.compareTo(Duration.ofSeconds(20)) <= 0, wait.toString());
        }
    }
}
