package io.tuneops.metrics.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.audit.AuditLog;
import io.tuneops.metrics.repository.ExportConfigRepository;
import io.tuneops.metrics.repository.ExportConfigRepository.ExportConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The export configuration, stored in PostgreSQL so that every replica exports the same thing.
 * A change and its {@code config.changed} audit event happen together or not at all: the event is
 * appended inside the transaction, so a Redis failure rolls the change back.
 */
@ApplicationScoped
public class ExportConfigService {

    private final ExportConfigRepository repository;
    private final AuditLog audit;
    private volatile ExportConfig lastKnown;

    public ExportConfigService(ExportConfigRepository repository, AuditLog audit) {
        this.repository = repository;
        this.audit = audit;
    }

    public record Change(Optional<Boolean> enabled, Optional<List<String>> categories, String template) {
    }

    public Uni<ExportConfig> get() {
        return repository.load().invoke(config -> lastKnown = config);
    }

    /**
     * For the scrape: the stored configuration, or while PostgreSQL does not answer, the one this
     * replica read last (so that an outage shows up in the health figures instead of an empty scrape).
     */
    public Uni<Optional<ExportConfig>> forScrape() {
        return get().map(Optional::of).onFailure().recoverWithItem(e -> Optional.ofNullable(lastKnown));
    }

    /** Applies the fields present in {@code change} (categories already validated) and records who did it. */
    public Uni<ExportConfig> update(Change change, String actor, String clientIp) {
        return repository.pool().withTransaction(tx -> repository.lock(tx).flatMap(before -> {
            boolean enabled = change.enabled().orElse(before.prometheusEnabled());
            List<String> categories = change.categories().map(MetricCatalog::canonical)
                    .orElse(before.prometheusCategories());
            return repository.store(tx, enabled, categories, actor).call(after -> {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("setting", "metrics.prometheus");
                if (change.template() != null) {
                    details.put("template", change.template());
                }
                details.put("before", view(before));
                details.put("after", view(after));
                return audit.append(AuditEvent.of("config.changed", actor, clientIp, "metrics_config", "prometheus",
                        change.template() == null ? "update" : "apply_template", details));
            });
        })).invoke(after -> lastKnown = after);
    }

    private static Map<String, Object> view(ExportConfig config) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("prometheus_enabled", config.prometheusEnabled());
        view.put("prometheus_categories", config.prometheusCategories());
        return view;
    }
}
