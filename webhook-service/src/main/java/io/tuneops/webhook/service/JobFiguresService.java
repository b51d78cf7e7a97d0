package io.tuneops.webhook.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.figures.ApprovalFigures;
import io.tuneops.support.figures.BreakerFigures;
import io.tuneops.support.figures.JobFigures;
import io.tuneops.support.figures.ProviderFigures;
import io.tuneops.webhook.client.CircuitBreakers;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.repository.JobRepository.StatusTotals;
import io.tuneops.webhook.service.approval.ApprovalRequests;
import io.tuneops.webhook.service.approval.ApprovalStatus;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures metrics-service exports for the jobs, circuit_breakers, provider and approvals
 * categories, as service-support's JobFigures. Cheap at any size: job counts come from maintained
 * totals, not from the job table; approval requests are counted (people decide them, so they stay
 * few).
 */
@ApplicationScoped
public class JobFiguresService {

    private final JobRepository jobs;
    private final JobService jobService;
    private final CircuitBreakers breakers;
    private final ProviderConfigService providers;
    private final ApprovalRequests approvals;

    public JobFiguresService(JobRepository jobs, JobService jobService, CircuitBreakers breakers,
                             ProviderConfigService providers, ApprovalRequests approvals) {
        this.jobs = jobs;
        this.jobService = jobService;
        this.breakers = breakers;
        this.providers = providers;
        this.approvals = approvals;
    }

    /** One provider's share of the figures. */
    private record ProviderShare(String provider, BreakerFigures breaker, ProviderFigures figures) {
    }

    /** The figures of every provider and the job totals, fetched in parallel. */
    public Uni<JobFigures> figures() {
        List<Uni<ProviderShare>> perProvider = new ArrayList<>();
        for (String provider : ProviderConfigService.PROVIDERS) {
            Uni<BreakerFigures> breaker = breakers.clusterState(provider)
                    .map(s -> new BreakerFigures(s.state(), s.failures()));
            Uni<Double> percentUsed = providers.settings(provider).chain(settings -> {
                if (settings.costLimit().isEmpty()) {
                    return Uni.createFrom().<Double>nullItem();
                }
                JsonObject limit = settings.costLimit().get();
                return jobService.spent(provider, limit.getString("period", "monthly"))
                        .map(spent -> spent.doubleValue() * 100 / limit.getDouble("amount"));
            });
            // Replicate's API reports no credit balance; null means "unknown", not zero
            perProvider.add(Uni.combine().all().unis(breaker, percentUsed)
                    .with((b, used) -> new ProviderShare(provider, b, new ProviderFigures(used, null))));
        }
        return Uni.combine().all().unis(jobs.totals(), Uni.join().all(perProvider).andFailFast(), approvalFigures())
                .with(JobFiguresService::combine);
    }

    private Uni<ApprovalFigures> approvalFigures() {
        return approvals.countsByStatus().map(counts -> {
            Map<String, Long> byStatus = new LinkedHashMap<>();
            counts.forEach((status, n) -> byStatus.put(status.wire(), n));
            return new ApprovalFigures(counts.get(ApprovalStatus.PENDING), byStatus);
        });
    }

    private static JobFigures combine(Map<String, StatusTotals> totals, List<ProviderShare> shares,
                                      ApprovalFigures approvalFigures) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        long total = 0;
        long active = 0;
        BigDecimal cost = BigDecimal.ZERO;
        double durationSum = 0;
        long durationJobs = 0;
        for (JobStatus status : JobStatus.values()) {
            StatusTotals t = totals.get(status.wire());
            long n = t == null ? 0 : t.jobs();
            byStatus.put(status.wire(), n);
            total += n;
            if (!status.terminal()) {
                active += n;
            }
            if (t != null) {
                cost = cost.add(t.costUsd());
                durationSum += t.durationSum();
                durationJobs += t.durationJobs();
            }
        }
        Map<String, BreakerFigures> circuit = new LinkedHashMap<>();
        Map<String, ProviderFigures> providerFigures = new LinkedHashMap<>();
        for (ProviderShare share : shares) {
            circuit.put(share.provider(), share.breaker());
            providerFigures.put(share.provider(), share.figures());
        }
        return new JobFigures(total, byStatus, active, cost.doubleValue(),
                durationJobs == 0 ? null : durationSum / durationJobs, circuit, providerFigures, approvalFigures);
    }
}
