package io.tuneops.webhook.service.approval;

import com.google.re2j.Pattern;
import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.webhook.config.ApprovalConfig;
import io.tuneops.webhook.repository.ApprovalRepository;
import io.tuneops.webhook.repository.ApprovalRepository.JobHistory;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The approval rules, evaluated in the submit transaction: the active rule of highest priority
 * that concerns the submitter and whose condition the submission meets decides who must approve.
 * Daily and first-job counts are read from the job table in that same transaction, under an
 * advisory lock of the submitter held until it ends: without it, concurrent submits of one person
 * would each count the others' uncommitted jobs as absent and all pass a daily_jobs_exceed rule.
 * The submit takes this lock before any quota lock (JobService evaluates the rules first), so the
 * two kinds of lock are always taken in the same order and never wait on each other in a cycle.
 */
@ApplicationScoped
public class RuleApprovalGate implements ApprovalGate {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApprovalRepository approvals;
    private final ApprovalConfig config;

    public RuleApprovalGate(ApprovalRepository approvals, ApprovalConfig config) {
        this.approvals = approvals;
        this.config = config;
    }

    @Override
    public Uni<Optional<ApprovalNeed>> evaluate(SqlConnection tx, Submission submission) {
        return approvals.activeRules(tx).chain(rules -> {
            List<ApprovalRule> concerned = rules.stream()
                    .filter(rule -> rule.concerns(submission.submitter(), submission.provider())).toList();
            boolean countsJobs = concerned.stream().anyMatch(rule -> rule.condition() == ApprovalCondition.DAILY_JOBS_EXCEED
                    || rule.condition() == ApprovalCondition.FIRST_JOB);
            Uni<JobHistory> history = countsJobs
                    ? approvals.lockHistory(tx, historyLockKey(submission.submitter()))
                    .chain(() -> approvals.jobHistory(tx, submission.submitter(), startOfUtcDay(), submission.jobId()))
                    : Uni.createFrom().item(new JobHistory(0, 0));
            return history.map(h -> {
                for (ApprovalRule rule : concerned) {
                    Optional<String> why = met(rule, submission, h);
                    if (why.isPresent()) {
                        return Optional.of(new ApprovalNeed(rule.id(), "Rule '" + rule.name() + "': " + why.get(),
                                rule.requiredApproverLevel()));
                    }
                }
                return Optional.empty();
            });
        });
    }

    /** Why the submission meets the rule's condition, or empty when it does not. */
    static Optional<String> met(ApprovalRule rule, Submission s, JobHistory history) {
        String threshold = rule.threshold();
        return switch (rule.condition()) {
            case COST_EXCEEDS -> {
                BigDecimal limit = new BigDecimal(threshold);
                if (s.estimatedCostUsd() == null) {
                    // a run whose cost nobody can bound is not known to stay under the limit
                    yield Optional.of("the cost cannot be estimated and jobs above $" + limit.toPlainString() + " need approval");
                }
                yield s.estimatedCostUsd().compareTo(limit) > 0
                        ? Optional.of("estimated cost $" + s.estimatedCostUsd().stripTrailingZeros().toPlainString()
                        + " exceeds $" + limit.toPlainString())
                        : Optional.empty();
            }
            case HARDWARE_TYPE -> s.hardware() != null && list(threshold).contains(s.hardware().trim().toLowerCase(Locale.ROOT))
                    ? Optional.of("hardware " + s.hardware() + " needs approval") : Optional.empty();
            case PROVIDER -> list(threshold).contains(s.provider().wire())
                    ? Optional.of("jobs on " + s.provider().wire() + " need approval") : Optional.empty();
            case USER_LEVEL -> {
                Submitter.Role level = Levels.parse(threshold).orElseThrow();
                yield level.includes(s.submitter().role()) && level != s.submitter().role()
                        ? Optional.of("submitters below " + level.wire() + " need approval") : Optional.empty();
            }
            case DAILY_JOBS_EXCEED -> {
                long limit = Long.parseLong(threshold);
                yield history.since() + 1 > limit
                        ? Optional.of("job " + (history.since() + 1) + " today exceeds the daily " + limit) : Optional.empty();
            }
            case FIRST_JOB -> history.ever() == 0 ? Optional.of("first job of " + who(s.submitter())) : Optional.empty();
            case CONFIG_PATTERN -> {
                Pattern pattern = Pattern.compile(threshold);
                boolean found = (s.name() != null && pattern.matcher(s.name()).find())
                        || (s.input() != null && pattern.matcher(s.input().encode()).find());
                yield found ? Optional.of("the job's name or configuration matches /" + threshold + "/") : Optional.empty();
            }
        };
    }

    @Override
    public Uni<String> open(SqlConnection tx, Submission submission, ApprovalNeed need) {
        Submitter submitter = submission.submitter();
        ApprovalRequest request = new ApprovalRequest("apr_" + HexFormat.of().formatHex(randomBytes()), submission.jobId(),
                submitter.userId(), submitter.actor(), need.ruleId(), ApprovalStatus.PENDING, need.reason(),
                submission.provider(), submission.name(), submission.estimatedCostUsd(), submission.hardware(),
                need.approverRole(), null, null, null, null, null);
        return approvals.insertRequest(tx, request, config.expiry()).map(ApprovalRequest::id);
    }

    @Override
    public Uni<Optional<ApprovalRequest>> latestRequest(String jobId) {
        return approvals.requestForJob(jobId);
    }

    @Override
    public Uni<Optional<AuditEvent>> cancelForJob(SqlConnection tx, String jobId, String actor, String clientIp) {
        String notes = "the job was cancelled";
        return approvals.closeForJob(tx, jobId, ApprovalStatus.CANCELLED, actor, notes).map(closed -> closed.map(r ->
                AuditEvent.of("approval.cancelled", actor, clientIp, "approval_request", r.id(), "cancel",
                        new ApprovalAuditDetails.Decision(r.jobId(), r.ruleId(), r.submittedBy(), notes, false))));
    }

    private static List<String> list(String threshold) {
        return Arrays.stream(threshold.split(",")).map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).toList();
    }

    private static String who(Submitter submitter) {
        return submitter.username() != null ? submitter.username() : submitter.actor();
    }

    /**
     * The advisory lock key of a person's job history: 64 bits of SHA-256 over a name space and
     * whom jobHistory counts (the user, else the credential), apart from the quotas' keys.
     */
    static long historyLockKey(Submitter submitter) {
        String who = submitter.userId() != null ? "user:" + submitter.userId() : "actor:" + submitter.actor();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("tuneops.approval-history:" + who).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static OffsetDateTime startOfUtcDay() {
        return LocalDate.now(ZoneOffset.UTC).atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
