package io.tuneops.gateway.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CombinedDescriptionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final AtomicInteger asked = new AtomicInteger();

    private CombinedDescription.Source answering(String service, String prefix, String path) {
        ObjectNode document = DescriptionMergerTest.document(
                "{'openapi': '3.1.0', 'paths': {'" + path + "': {'get': {'summary': 'x'}}}}");
        return new CombinedDescription.Source(service, List.of(prefix), () -> {
            asked.incrementAndGet();
            return Uni.createFrom().item(document);
        });
    }

    private static CombinedDescription.Source down(String service, String prefix) {
        return new CombinedDescription.Source(service, List.of(prefix),
                () -> Uni.createFrom().failure(new ConnectException("Connection refused")));
    }

    @Test
    void combinesEveryServiceAndKeepsTheResultForTheCacheTime() {
        CombinedDescription description = new CombinedDescription(List.of(
                answering("gateway-service", "/api/auth", "/api/auth/whoami"),
                answering("audit-service", "/api/audit", "/api/audit/stats")), Duration.ofMinutes(5), "9.9");
        ObjectNode first = description.get().await().atMost(WAIT);
        assertTrue(first.at("/paths/~1api~1auth~1whoami").isObject());
        assertTrue(first.at("/paths/~1api~1audit~1stats").isObject());
        assertEquals("9.9", first.at("/info/version").asText());
        assertEquals(2, asked.get());
        assertEquals(first, description.get().await().atMost(WAIT));
        assertEquals(2, asked.get(), "asked the services again within the cache time");
    }

    @Test
    void asksAgainOnceTheCacheTimeIsOver() {
        CombinedDescription description = new CombinedDescription(List.of(
                answering("audit-service", "/api/audit", "/api/audit/stats")), Duration.ZERO, "1");
        description.get().await().atMost(WAIT);
        description.get().await().atMost(WAIT);
        assertEquals(2, asked.get());
    }

    @Test
    void failsNamingEveryServiceThatCouldNotBeAskedAndCachesNoFailure() {
        CombinedDescription description = new CombinedDescription(List.of(
                answering("gateway-service", "/api/auth", "/api/auth/whoami"),
                down("storage-service", "/api/cloud/storage"),
                down("audit-service", "/api/audit")), Duration.ofMinutes(5), "1");
        DescriptionUnavailableException e = assertThrows(DescriptionUnavailableException.class,
                () -> description.get().await().atMost(WAIT));
        assertEquals(List.of("storage-service", "audit-service"), e.services());
        assertTrue(e.getMessage().contains("storage-service, audit-service do not answer"), e.getMessage());
        assertThrows(DescriptionUnavailableException.class, () -> description.get().await().atMost(WAIT));
        assertEquals(2, asked.get(), "a failure is not kept: the next reader asks again");
    }
}
