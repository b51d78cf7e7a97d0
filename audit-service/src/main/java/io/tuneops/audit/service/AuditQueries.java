package io.tuneops.audit.service;

import io.smallrye.mutiny.Uni;
import io.tuneops.audit.repository.EntryRepository;
import io.tuneops.audit.repository.EntryRepository.Filter;
import io.tuneops.audit.repository.EntryRepository.Page;
import io.tuneops.audit.repository.EntryRepository.Stats;
import io.tuneops.support.figures.AuditFigures;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;

/**
 * What the audit API and metrics-service read from the trail: pages of entries, the running
 * counts, and verification of a range whose ends may be sequence numbers or times.
 */
@ApplicationScoped
public class AuditQueries {

    private final EntryRepository entries;
    private final ChainVerifier verifier;

    public AuditQueries(EntryRepository entries, ChainVerifier verifier) {
        this.entries = entries;
        this.verifier = verifier;
    }

    /**
     * One end of a verification range: a sequence number, or a time (the entry nearest to it inside
     * the range), or neither for an open end. At most one of the two is set.
     */
    public record RangeEnd(Long seq, OffsetDateTime time) {
        public static final RangeEnd OPEN = new RangeEnd(null, null);

        public static RangeEnd seq(long seq) {
            return new RangeEnd(seq, null);
        }

        public static RangeEnd time(OffsetDateTime time) {
            return new RangeEnd(null, time);
        }
    }

    /** Newest first, {@code limit} entries below {@code beforeSeq} (null: from the newest), {@code offset} skipped. */
    public Uni<Page> query(Filter filter, int limit, int offset, Long beforeSeq) {
        return entries.query(filter, limit, offset, beforeSeq);
    }

    public Uni<Stats> stats() {
        return entries.stats();
    }

    /** The figures of the metrics export's audit category. */
    public Uni<AuditFigures> figures() {
        return entries.stats().flatMap(stats -> entries.head().map(head ->
                new AuditFigures(stats.total(), stats.last24h(), stats.byType(), head.seq())));
    }

    /** Verifies the entries from {@code from} to {@code to}, both included; open ends reach the first and the last entry. */
    public Uni<ChainVerifier.Result> verify(RangeEnd from, RangeEnd to) {
        return seq(from, true).flatMap(f -> seq(to, false).flatMap(t -> verifier.verify(f, t)));
    }

    private Uni<Long> seq(RangeEnd end, boolean lower) {
        if (end.seq() != null) {
            return Uni.createFrom().item(end.seq());
        }
        if (end.time() != null) {
            return lower ? entries.seqAtOrAfter(end.time()) : entries.seqAtOrBefore(end.time());
        }
        return Uni.createFrom().item(lower ? 1L : Long.MAX_VALUE);
    }
}
