package io.tuneops.webhook.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.GatewayIdentityHandler;
import io.tuneops.support.http.JsonErrorMappers;
import io.tuneops.webhook.client.CircuitBreakers;
import io.tuneops.webhook.repository.JobRepository;
import io.tuneops.webhook.service.JobService;
import io.tuneops.webhook.service.JobStatus;
import io.tuneops.webhook.service.ProviderConfigService;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures metrics-service exports for the jobs, circuit_breakers and provider categories.
 * Internal: never routed by the gateway, and only answered to callers holding the internal secret.
 * Cheap at any size: job counts come from maintained totals, not from the job table.
 */
@Path("/internal/jobs/figures")
public class InternalFiguresResource {

    private final JobRepository jobs;
    private final JobService jobService;
    private final CircuitBreakers breakers;
    private final ProviderConfigService providers;

    public InternalFiguresResource(JobRepository jobs, JobService jobService, CircuitBreakers breakers,
                                   ProviderConfigService providers) {
        this.jobs = jobs;
        this.jobService = jobService;
        this.breakers = breakers;
        this.providers = providers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> figures(RoutingContext rc) {
        if (rc.get(GatewayIdentityHandler.IDENTITY) == null) {
            return Uni.createFrom().item(JsonErrorMappers.json(403, "Internal route"));
        }
        Uni<Map<String, Object>> jobFigures = jobs.totals().map(totals -> {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, Long> byStatus = new LinkedHashMap<>();
            long total = 0;
            long active = 0;
            BigDecimal cost = BigDecimal.ZERO;
            double durationSum = 0;
            long durationJobs = 0;
            for (JobStatus status : JobStatus.values()) {
                JobRepository.StatusTotals t = totals.get(status.wire());
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
            out.put("jobs_total", total);
            out.put("jobs_by_status", byStatus);
            out.put("jobs_active", active);
            out.put("cost_usd_total", cost.doubleValue());
            out.put("job_duration_seconds_avg", durationJobs == 0 ? null : durationSum / durationJobs);
            return out;
        });
        List<Uni<Map.Entry<String, Object>>> perProvider = new ArrayList<>();
        for (String provider : ProviderConfigService.PROVIDERS) {
            Uni<Object> breaker = breakers.clusterState(provider)
                    .map(s -> (Object) Map.of("state", s.state(), "failures", s.failures()));
            Uni<Object> status = providers.settings(provider).chain(settings -> {
                if (settings.costLimit().isEmpty()) {
                    return Uni.createFrom().item((Object) nullableMap("cost_limit_percent_used", null));
                }
                JsonObject limit = settings.costLimit().get();
                return jobService.spent(provider, limit.getString("period", "monthly")).map(spent ->
                        (Object) nullableMap("cost_limit_percent_used", spent.doubleValue() * 100 / limit.getDouble("amount")));
            });
            perProvider.add(Uni.combine().all().unis(breaker, status).asTuple()
                    .map(t -> Map.entry(provider, (Object) List.of(t.getItem1(), t.getItem2()))));
        }
        return Uni.combine().all().unis(jobFigures, Uni.join().all(perProvider).andFailFast()).asTuple().map(t -> {
            Map<String, Object> out = t.getItem1();
            Map<String, Object> circuit = new LinkedHashMap<>();
            Map<String, Object> providerFigures = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : t.getItem2()) {
                List<?> pair = (List<?>) e.getValue();
                circuit.put(e.getKey(), pair.get(0));
                Map<String, Object> figures = new LinkedHashMap<>(castMap(pair.get(1)));
                // Replicate's API reports no credit balance; null means "unknown", not zero
                figures.put("credit_balance", null);
                providerFigures.put(e.getKey(), figures);
            }
            out.put("circuit_breakers", circuit);
            out.put("providers", providerFigures);
            return Response.ok(out).build();
        });
    }

    private static Map<String, Object> nullableMap(String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, value);
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }
}
