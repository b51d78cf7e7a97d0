package io.tuneops.system;

import io.tuneops.local.LocalServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM lets a request in flight finish before the service exits. */
@ExtendWith(Suite.Extension.class)
class GracefulShutdownIT {

    @Test
    void aRequestInFlightCompletesAfterSigterm() throws Exception {
        try (OwnerSink sink = new OwnerSink()) {
            ServiceProcess gateway = Suite.Extension.suite().process("gateway-service", LocalServers.freePort(),
                            Map.of("TUNEOPS_UPSTREAM_STORAGE", sink.url(), "TUNEOPS_PROXY_RESPONSE_TIMEOUT", "60s"),
                            List.of("-Xmx128m", "-XX:+UseSerialGC"), "gateway-shutdown")
                    .start().awaitReady(Suite.READY_TIMEOUT);

            CompletableFuture<Http.Reply> inFlight = CompletableFuture.supplyAsync(
                    () -> Http.get(gateway.url("/api/cloud/storage/hold")));
            assertTrue(sink.holdArrived.await(10, TimeUnit.SECONDS), "the request never reached the owner");

            gateway.process().destroy(); // SIGTERM
            awaitShutdownStarted(gateway);
            assertTrue(gateway.process().isAlive(), "the gateway exited with a request in flight");
            assertFalse(inFlight.isDone());

            sink.releaseHold.countDown();
            Http.Reply reply = inFlight.get(20, TimeUnit.SECONDS);
            assertEquals(200, reply.status());
            assertEquals(true, reply.json().get("released").asBoolean());
            assertTrue(gateway.process().waitFor(30, TimeUnit.SECONDS), "the gateway did not exit after draining");
        }
    }

    /** Once shutdown has begun, readiness reports DOWN so that Kubernetes stops sending traffic. */
    private static void awaitShutdownStarted(ServiceProcess service) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (ServiceProcess.status(service.url("/q/health/ready")) == 200) {
            assertTrue(System.nanoTime() < deadline, "readiness stayed UP after SIGTERM");
            ServiceProcess.pause(Duration.ofMillis(50));
        }
    }
}
