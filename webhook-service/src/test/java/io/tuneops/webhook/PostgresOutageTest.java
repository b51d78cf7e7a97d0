package io.tuneops.webhook;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tuneops.local.EmbeddedServersTestResource;
import io.tuneops.local.LocalServers;
import io.tuneops.local.SharedServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/**
 * PostgreSQL going away under a running service: reads answer 503 with Retry-After in the
 * documented error shape (not a 500), and the service recovers on its own when it is back.
 */
@QuarkusTest
@WithTestResource(value = PostgresOutageTest.CuttablePostgres.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class PostgresOutageTest {

    /** The real embedded servers, with the service's reactive connections to PostgreSQL through a relay the test can cut. */
    public static class CuttablePostgres implements QuarkusTestResourceLifecycleManager {
        static TcpRelay relay;

        @Override
        public Map<String, String> start() {
            LocalServers servers = SharedServers.get();
            relay = TcpRelay.to(servers.postgresPort());
            return EmbeddedServersTestResource.config(servers,
                    "postgresql://127.0.0.1:" + relay.port() + "/" + LocalServers.DATABASE);
        }

        @Override
        public void stop() {
            relay.close();
        }

        /** After the suite-wide EmbeddedServersTestResource, so that its reactive URL is the one that counts. */
        @Override
        public int order() {
            return 100;
        }
    }

    @Test
    void jobReadsAnswer503WhilePostgresIsDownAndRecoverAfterwards() {
        String jobId = Caller.operator().body("{\"name\": \"outage\"}").post("/api/cloud/jobs/submit?provider=generic")
                .then().statusCode(201).extract().path("job_id");
        Caller.viewer().get("/api/cloud/jobs").then().statusCode(200);

        CuttablePostgres.relay.cut();
        try {
            Caller.viewer().get("/api/cloud/jobs").then().statusCode(503).header("Retry-After", "5")
                    // the answer names the store that failed, in words
                    .body("detail", equalTo("The database (PostgreSQL) cannot be reached; retry shortly"));
            Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(503).header("Retry-After", "5");
        } finally {
            CuttablePostgres.relay.restore();
        }

        // the pool reconnects by itself: the first request after the restore may still meet a dead connection
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = Caller.viewer().get("/api/cloud/jobs/" + jobId).statusCode();
        }
        Caller.viewer().get("/api/cloud/jobs/" + jobId).then().statusCode(200).body("job_id", equalTo(jobId));
    }
}
