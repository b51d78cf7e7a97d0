package io.tuneops.metrics.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.tuneops.metrics.repository.ExportConfigRepository;
import io.tuneops.metrics.repository.ExportConfigRepository.ExportConfig;
import io.tuneops.support.audit.AuditAppender;
import io.tuneops.support.audit.AuditDetails;
import io.tuneops.support.audit.AuditEvent;
import io.tuneops.support.store.StoreDeadlines;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * The export configuration, stored in PostgreSQL so that every replica exports the same thing.
 * A change and its {@code config.changed} audit event happen together or not at all: the event is
 * appended inside the transaction, so a Redis failure rolls the change back.
 */
@ApplicationScoped
public class ExportConfigService {

    private final ExportConfigRepository repository;
    private final AuditAppender audit;
    private final StoreDeadlines deadlines;
    private volatile ExportConfig lastKnown;

    /** What the change's transaction wrote, for its audit event. */
    private record Stored(ExportConfig before, ExportConfig after) {
    }

    public ExportConfigService(ExportConfigRepository repository, AuditAppender audit, StoreDeadlines deadlines) {
        this.repository = repository;
        this.audit = audit;
        this.deadlines = deadlines;
    }

    public record Change(Optional<Boolean> enabled, Optional<List<String>> categories, String template) {
    }

    /** The export settings an audit event shows before and after a change. */
    public record ExportSettings(boolean prometheus_enabled, List<String> prometheus_categories) {
        static ExportSettings of(ExportConfig config) {
            return new ExportSettings(config.prometheusEnabled(), config.prometheusCategories());
        }
    }

    /** The details of a {@code config.changed} event; {@code template} only when one was applied. */
    public record ConfigChanged(String setting, @JsonInclude(JsonInclude.Include.NON_NULL) String template,
                                ExportSettings before, ExportSettings after) implements AuditDetails {
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
        // the audit event is appended last, just before the COMMIT (see StoreDeadlines)
        return deadlines.transaction(repository.pool(), tx -> repository.lock(tx).flatMap(before -> {
            boolean enabled = change.enabled().orElse(before.prometheusEnabled());
            List<String> categories = change.categories().map(MetricCatalog::canonical)
                    .orElse(before.prometheusCategories());
            return repository.store(tx, enabled, categories, actor).map(after -> new Stored(before, after));
        }), (stored, left) -> audit.append(AuditEvent.of("config.changed", actor, clientIp, "metrics_config", "prometheus",
                change.template() == null ? "update" : "apply_template",
                new ConfigChanged("metrics.prometheus", change.template(), ExportSettings.of(stored.before()),
                        ExportSettings.of(stored.after()))), left))
                .map(Stored::after)
                .invoke(after -> lastKnown = after);
    }
}
