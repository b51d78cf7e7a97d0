package io.tuneops.webhook.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;

/** Appends to the shared audit stream; a failure fails the change it records. */
@ApplicationScoped
public class AuditLog {

    public static final String STREAM = "tuneops:audit:events";

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    public AuditLog(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    public Uni<Void> append(AuditEvent event) {
        String encoded;
        try {
            encoded = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return redis.stream(String.class)
                .xadd(STREAM, new XAddArgs().maxlen(1_000_000L).nearlyExactTrimming(), Map.of("event", encoded))
                .replaceWithVoid();
    }
}
