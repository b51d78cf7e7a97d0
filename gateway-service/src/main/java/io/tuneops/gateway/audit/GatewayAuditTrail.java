package io.tuneops.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.ratelimit.LuaScript;
import io.tuneops.support.SharedNames;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.support.audit.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * The gateway's audit trail: {@link #append} is the shared appender's (it fails when the event
 * could not be appended; callers of security-relevant changes turn that into a 503 and undo the
 * change); {@link #appendCoalesced}, the gateway's own, keeps a flood of the same event (rejected
 * webhooks, rate-limit violations, failed logins) from flooding the trail: at most one event per
 * key and window, counting the ones it stood for.
 */
@ApplicationScoped
public class GatewayAuditTrail {

    private static final Logger LOG = Logger.getLogger(GatewayAuditTrail.class);

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

    private final AuditAppender shared;
    private final ObjectMapper json;
    private final LuaScript coalesce;
    private final StoreDeadlines deadlines;

    public GatewayAuditTrail(AuditAppender shared, ReactiveRedisDataSource redis, ObjectMapper json, StoreDeadlines deadlines) {
        this.shared = shared;
        this.deadlines = deadlines;
        this.json = json;
        this.coalesce = new LuaScript(redis, COALESCE);
    }

    /** The event of a security-relevant change; see TUNEOPS_AUDIT_REQUIRE_APPEND. */
    public Uni<Void> append(AuditEvent event) {
        return shared.append(event);
    }

    /** The event of a change that must be recorded within {@code within} (see AuditAppender). */
    public Uni<Void> append(AuditEvent event, Duration within) {
        return shared.append(event, within);
    }

    /** Best effort: a failure is logged, never passed on (the request it describes goes on). */
    public Uni<Void> appendCoalesced(String coalesceKey, Duration window, AuditEvent event) {
        String key = SharedNames.AUDIT_COALESCE_PREFIX + coalesceKey;
        return deadlines.redis(coalesce.eval(List.of(key, key + ":folded", SharedNames.AUDIT_STREAM),
                        List.of(Long.toString(window.toMillis()), encode(event),
                                Long.toString(AuditAppender.MAX_LENGTH),
                                Long.toString(window.toMillis() * 10))))
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
