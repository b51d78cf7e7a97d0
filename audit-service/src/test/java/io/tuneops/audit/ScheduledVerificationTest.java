package io.tuneops.audit;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tuneops.audit.service.ScheduledVerification;
import io.tuneops.local.EmbeddedServersTestResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.tuneops.audit.AuditTestSupport.awaitStored;
import static io.tuneops.audit.AuditTestSupport.awaitTrue;
import static io.tuneops.audit.AuditTestSupport.sql;
import static io.tuneops.audit.AuditTestSupport.verifications;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The chain is verified on a schedule, by one replica per period, and tampering shows up in the meter the alert reads. */
@QuarkusTest
@WithTestResource(value = EmbeddedServersTestResource.class, scope = TestResourceScope.GLOBAL)
@TestProfile(ScheduledVerificationTest.EveryTwoSeconds.class)
class ScheduledVerificationTest {

    public static class EveryTwoSeconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tuneops.audit.verify-every", "2s");
        }
    }

    private static final String LOCK = "tuneops:audit:verify-lock";

    @Inject
    RedisDataSource redis;

    @Inject
    ScheduledVerification scheduled;

    @Test
    void theChainIsVerifiedWithoutAnyoneAskingAndTamperingIsCountedAsBroken() throws SQLException {
        String type = "test.scheduled." + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            append("s-" + type + "-" + i, type);
        }
        long victim = awaitStored("s-" + type + "-1", type);
        awaitStored("s-" + type + "-2", type);

        double valid = verifications("valid");
        awaitTrue(() -> verifications("valid") > valid, "no scheduled verification counted as valid");

        double broken = verifications("broken");
        sql("UPDATE audit.entries SET actor = 'someone-else' WHERE seq = " + victim);
        try {
            awaitTrue(() -> verifications("broken") > broken, "the scheduled verification did not count the edited entry as broken");
        } finally {
            sql("UPDATE audit.entries SET actor = 'actor' WHERE seq = " + victim);
        }
    }

    @Test
    void aReplicaDoesNotVerifyInAPeriodAnotherReplicaTook() {
        redis.value(String.class).set(LOCK, "another-replica", new SetArgs().px(Duration.ofMinutes(1)));
        try {
            assertNull(scheduled.verifyIfDue().await().atMost(Duration.ofSeconds(10)));
            assertEquals("another-replica", redis.value(String.class).get(LOCK));
        } finally {
            redis.key().del(LOCK);
        }
    }

    private void append(String id, String type) {
        String event = new io.vertx.core.json.JsonObject().put("id", id).put("time", Instant.now().toString())
                .put("type", type).put("actor", "actor").put("actor_ip", "198.51.100.7").put("target_type", "route")
                .put("target_id", "GET /x").put("action", "reject").put("details", Map.of("n", 1)).encode();
        redis.stream(String.class).xadd("tuneops:audit:events", Map.of("event", event));
    }
}
