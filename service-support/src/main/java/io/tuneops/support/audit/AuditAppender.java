package io.tuneops.support.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.tuneops.support.SharedNames;
import io.tuneops.support.redis.EventLoopRedis;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreDeadlines;
import io.tuneops.support.store.StoreUnavailableException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;

/** Appends to the shared audit stream (every producer the same way); a failure fails the change it records. */
@ApplicationScoped
public class AuditAppender {

    /** The stream is trimmed (approximately) to this many entries; audit-service keeps the history. */
    public static final long MAX_LENGTH = 1_000_000;

    private static final Logger LOG = Logger.getLogger(AuditAppender.class);

    /** XADD unless Redis' clock is past ARGV[1] (ms); answers 0 when appended, else Redis' time. */
    private static final String APPEND_BEFORE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if now > tonumber(ARGV[1]) then
              return now
            end
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[3])
            return 0
            """;

    private final EventLoopRedis redis;
    private final ObjectMapper json;
    private final StoreDeadlines deadlines;
    private final boolean requireAppend;
    /** Redis' clock minus ours, learnt when Redis refuses an append that was not late by our clock. */
    private volatile long redisClockOffsetMs;

    public AuditAppender(EventLoopRedis redis, ObjectMapper json, StoreDeadlines deadlines,
                    @ConfigProperty(name = "tuneops.audit.require-append",
                            defaultValue = "true") boolean requireAppend) {
        this.redis = redis;
        this.json = json;
        this.deadlines = deadlines;
        this.requireAppend = requireAppend;
    }

    /** See TUNEOPS_AUDIT_REQUIRE_APPEND: by default a change whose event is not recorded fails. */
    public Uni<Void> append(AuditEvent event) {
        return append(event, deadlines.redisTimeout());
    }

    /**
     * Appends the event if Redis can do it within {@code within}: the script compares Redis' own
     * clock with that deadline, so an append that was given up on (Redis stopped answering, the
     * change it records was rolled back) is not recorded either when Redis answers again.
     */
    public Uni<Void> append(AuditEvent event, Duration within) {
        String encoded;
        try {
            encoded = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Uni<Void> appended = Uni.createFrom().deferred(() -> {
            long localDeadline = System.currentTimeMillis() + within.toMillis();
            return deadlines.redis(appendBefore(encoded, localDeadline + redisClockOffsetMs), within)
                    .chain(refusedAt -> {
                        if (refusedAt == null) {
                            return Uni.createFrom().voidItem();
                        }
                        // refused although our own deadline has not passed: Redis' clock is ahead of ours
                        long now = System.currentTimeMillis();
                        if (now >= localDeadline) {
                            return Uni.createFrom().failure(StoreUnavailableException.notAnswering(Store.REDIS, within));
                        }
                        redisClockOffsetMs = refusedAt - now;
                        return deadlines.redis(appendBefore(encoded, localDeadline + redisClockOffsetMs),
                                        Duration.ofMillis(localDeadline - now))
                                .chain(again -> again == null ? Uni.createFrom().voidItem()
                                        : Uni.createFrom().failure(StoreUnavailableException.notAnswering(Store.REDIS, within)));
                    });
        });
        return requireAppend ? appended : appended.onFailure().recoverWithUni(e -> {
            LOG.errorf("audit event %s %s not appended, change kept (TUNEOPS_AUDIT_REQUIRE_APPEND=false): %s",
                    event.type(), event.target_id(), e.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /** Null when appended, else Redis' time in ms when it refused the append as late. */
    private Uni<Long> appendBefore(String encoded, long redisDeadlineMs) {
        Request eval = Request.cmd(Command.EVAL).arg(APPEND_BEFORE).arg(1).arg(SharedNames.AUDIT_STREAM)
                .arg(redisDeadlineMs).arg(MAX_LENGTH).arg(encoded);
        return UniHelper.toUni(redis.send(eval)).map(reply -> reply.toLong() == 0 ? null : reply.toLong());
    }
}
