package io.tuneops.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * This replica's own sliding window, used only while Redis cannot be reached (mode local), at
 * the rule's limit divided by the number of replicas so the cluster as a whole stays near it.
 */
@ApplicationScoped
public class LocalSlidingWindow {

    private final Cache<String, ArrayDeque<Long>> windows = Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    public Decision decide(String key, int limit, Duration period) {
        long now = System.currentTimeMillis();
        long windowMillis = period.toMillis();
        ArrayDeque<Long> admitted = windows.get(key, k -> new ArrayDeque<>());
        synchronized (admitted) {
            while (!admitted.isEmpty() && admitted.peekFirst() <= now - windowMillis) {
                admitted.pollFirst();
            }
            boolean allowed = admitted.size() < limit;
            if (allowed) {
                admitted.addLast(now);
            }
            long oldest = admitted.isEmpty() ? now : admitted.peekFirst();
            return new Decision(allowed, limit, Math.max(0, limit - admitted.size()), oldest + windowMillis, now, true);
        }
    }
}
