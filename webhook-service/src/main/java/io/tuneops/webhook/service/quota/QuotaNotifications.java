package io.tuneops.webhook.service.quota;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.notify.NotificationEventPayload;
import io.tuneops.webhook.repository.QuotaRepository;
import io.tuneops.webhook.service.notify.NotificationEventType;
import io.tuneops.webhook.service.notify.NotificationOutbox;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * The quota events of a submit: quota.warning when an admitted job brings a quota to 80 % of its
 * limit or past it, quota.exceeded when a quota refuses one. Each is reported once per quota and
 * period (quota.exceeded also per submitter), with an event id derived from those, so a scope that
 * stays near its limit, or a client retrying a refused submit, does not flood anyone.
 */
@ApplicationScoped
public class QuotaNotifications {

    private static final Logger LOG = Logger.getLogger(QuotaNotifications.class);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

    /** The data of a quota event (snake_case on the wire): the figures as the submit saw them. */
    public record QuotaEventData(String quota_id, QuotaType quota_type, QuotaScope scope, String scope_id,
                                 BigDecimal limit, BigDecimal used, BigDecimal requested, double percent,
                                 QuotaAction action) {

        static QuotaEventData of(QuotaCheck check) {
            Quota q = check.quota();
            String scopeId = switch (q.scope()) {
                case GLOBAL -> null;
                case ORG -> q.orgId();
                case TEAM -> q.teamId();
                case USER -> q.userId();
            };
            return new QuotaEventData(q.id(), q.type(), q.scope(), scopeId, plain(q.limit()), plain(check.current()),
                    plain(check.increment()), check.percentUsed(), q.action());
        }

        /** Without trailing zeros, and never in exponent notation (20, not 2E+1). */
        private static BigDecimal plain(BigDecimal n) {
            return new BigDecimal(n.stripTrailingZeros().toPlainString());
        }
    }

    private final NotificationOutbox outbox;
    private final QuotaRepository quotas;
    private final ObjectMapper json;

    public QuotaNotifications(NotificationOutbox outbox, QuotaRepository quotas, ObjectMapper json) {
        this.outbox = outbox;
        this.quotas = quotas;
        this.json = json;
    }

    /**
     * In the submit's transaction, after the quotas' decision stands: quota.warning for each quota
     * at 80 % of its limit or past it (one a warn or require_approval action let through). Without
     * such a quota nothing is sent to the database.
     */
    public Uni<Void> admitted(SqlClient tx, String jobId, QuotaSubject subject, QuotaDecision decision) {
        List<QuotaCheck> near = decision.checks().stream().filter(c -> c.warning() || c.exceeded()).toList();
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (QuotaCheck check : near) {
            NotificationEventPayload event = event(NotificationEventType.QUOTA_WARNING,
                    "evt_quota_warning_" + check.quota().id() + "_" + period(check.quota().type(), now), jobId, subject, check);
            // one statement at a time: the transaction's statements share its connection
            chain = chain.chain(() -> outbox.record(tx, event)).replaceWithVoid();
        }
        return chain;
    }

    /**
     * quota.exceeded for the quota that refused a submit, in a transaction of its own (the refused
     * submit changed nothing). Its failure is logged, not passed on: the submitter is told of the
     * refusal all the same.
     */
    public Uni<Void> refused(QuotaSubject subject, String actor, QuotaDecision decision) {
        QuotaCheck check = decision.decisive().orElseThrow();
        String id = "evt_quota_exceeded_" + check.quota().id() + "_"
                + period(check.quota().type(), ZonedDateTime.now(ZoneOffset.UTC)) + "_" + shortHash(actor);
        NotificationEventPayload event = event(NotificationEventType.QUOTA_EXCEEDED, id, null, subject, check);
        return quotas.transaction(tx -> outbox.record(tx, event), (stored, left) -> Uni.createFrom().voidItem())
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("quota.exceeded of %s not recorded: %s", check.quota().id(), e.toString()))
                .onFailure().recoverWithNull();
    }

    private NotificationEventPayload event(NotificationEventType type, String eventId, String jobId, QuotaSubject subject,
                                           QuotaCheck check) {
        return new NotificationEventPayload(eventId, type.wire(), null, null, jobId, subject.userId(), subject.teamId(),
                subject.orgId(), json.valueToTree(QuotaEventData.of(check)));
    }

    /**
     * The period a quota is reported once in: its window's UTC hour, day or month (a concurrency
     * quota has no window; a day keeps it from being reported with every job).
     */
    static String period(QuotaType type, ZonedDateTime nowUtc) {
        return switch (type) {
            case JOBS_PER_HOUR -> HOUR.format(nowUtc);
            case CONCURRENT_JOBS, JOBS_PER_DAY, COST_DAILY -> DAY.format(nowUtc);
            case COST_MONTHLY -> MONTH.format(nowUtc);
        };
    }

    /** A short stand-in for a submitter in an event id: ids are bounded and a key's name is not a person's business. */
    private static String shortHash(String actor) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(actor.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
