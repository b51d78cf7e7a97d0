package io.tuneops.support.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.SharedNames;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.Map;

/** Appends to the shared audit stream (every producer the same way); a failure fails the change it records. */
@ApplicationScoped
public class AuditAppender {

    /** The stream is trimmed (approximately) to this many entries; audit-service keeps the history. */
    public static final long MAX_LENGTH = 1_000_000;

    private static final Logger LOG = Logger.getLogger(AuditAppender.class);

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final boolean requireAppend;

    public AuditAppender(ReactiveRedisDataSource redis, ObjectMapper json,
                    @ConfigProperty(name = "tuneops.audit.require-append",
                            defaultValue = "true") boolean requireAppend) {
        this.redis = redis;
        this.json = json;
        this.requireAppend = requireAppend;
    }

    /** See TUNEOPS_AUDIT_REQUIRE_APPEND: by default a change whose event is not recorded fails. */
    public Uni<Void> append(AuditEvent event) {
        String encoded;
        try {
            encoded = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Uni<Void> appended = redis.stream(String.class)
                .xadd(SharedNames.AUDIT_STREAM, new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(), Map.of("event", encoded))
                .replaceWithVoid();
        return requireAppend ? appended : appended.onFailure().recoverWithUni(e -> {
            LOG.errorf("audit event %s %s not appended, change kept (TUNEOPS_AUDIT_REQUIRE_APPEND=false): %s",
                    event.type(), event.target_id(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }
}
