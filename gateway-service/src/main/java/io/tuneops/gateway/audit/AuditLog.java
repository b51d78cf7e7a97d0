package io.tuneops.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Appends audit events to the shared Redis stream, one round trip each. {@link #append} fails
 * when the event could not be appended (callers of security-relevant changes turn that into a
 * 503 and undo the change); {@link #appendCoalesced} keeps a flood of the same event from
 * flooding the trail: at most one event per key and window, counting the ones it stood for.
 */
@ApplicationScoped
public class AuditLog {

    public static final String STREAM = "tuneops:audit:events";
    static final long MAX_LENGTH = 1_000_000;
    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    // SET NX opens a window for this key; inside it, repeats are only counted. The count of the
    // previous window travels with the next event, so nothing is lost, only folded.
    private static final String COALESCE = """
            local opened = redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1])
            if opened then
              local folded = redis.call('GETDEL', KEYS[2])
              local event = cjson.decode(ARGV[2])
              event['details']['repeats_folded_since_last_event'] = tonumber(folded) or 0
              redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'event', cjson.encode(event))
              return 1
            end
            redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final LuaScript coalesce;
    private final boolean requireAppend;

    public AuditLog(ReactiveRedisDataSource redis, ObjectMapper json,
                    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "tuneops.audit.require-append",
                            defaultValue = "true") boolean requireAppend) {
        this.redis = redis;
        this.json = json;
        this.coalesce = new LuaScript(redis, COALESCE);
        this.requireAppend = requireAppend;
    }

    /**
     * Appends the event of a security-relevant change. By default a failure fails the change
     * (TUNEOPS_AUDIT_REQUIRE_APPEND=true, as trusted systems do); set to false, the change goes on
     * and the lost event is logged.
     */
    public Uni<Void> append(AuditEvent event) {
        Uni<Void> appended = redis.stream(String.class)
                .xadd(STREAM, new XAddArgs().maxlen(MAX_LENGTH).nearlyExactTrimming(), Map.of("event", encode(event)))
                .replaceWithVoid();
        return requireAppend ? appended : appended.onFailure().recoverWithUni(e -> {
            LOG.errorf("audit event %s %s not appended, change kept (TUNEOPS_AUDIT_REQUIRE_APPEND=false): %s",
                    event.type(), event.target_id(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /** Best effort: a failure is logged, never passed on (the request it describes goes on). */
    public Uni<Void> appendCoalesced(String coalesceKey, Duration window, AuditEvent event) {
        String key = "tuneops:audit:coalesce:" + coalesceKey;
        return coalesce.eval(List.of(key, key + ":folded", STREAM),
                        List.of(Long.toString(window.toMillis()), encode(event), Long.toString(MAX_LENGTH),
                                Long.toString(window.toMillis() * 10)))
                .onFailure().invoke(e -> LOG.warnf("audit event %s not appended: %s", event.type(), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private String encode(AuditEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit event not serialisable", e);
        }
    }
}
