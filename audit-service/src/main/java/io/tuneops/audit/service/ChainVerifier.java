package io.tuneops.audit.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tuneops.audit.repository.EntryRepository;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Recomputes the chain over a range of entries: every entry's hash from its own fields and its
 * predecessor's hash, consecutive sequence numbers, and (when the range reaches the end) the
 * head. An edited field, a deleted row or two swapped rows each break a link, and the first
 * broken one is reported. The checks themselves are {@link ChainLinks}; this class reads the
 * entries page by page and hashes them off the event loop.
 */
@ApplicationScoped
public class ChainVerifier {

    static final int PAGE = 5000;

    private final EntryRepository entries;
    private final Checkpoints checkpoints;
    private final AuditMeters meters;
    private final ChainBreakNotifications notifications;

    public ChainVerifier(EntryRepository entries, Checkpoints checkpoints, AuditMeters meters,
                         ChainBreakNotifications notifications) {
        this.entries = entries;
        this.checkpoints = checkpoints;
        this.meters = meters;
        this.notifications = notifications;
    }

    public record BrokenLink(long seq, String reason) {
    }

    public record Result(boolean valid, long entries_checked, long from_seq, long to_seq, BrokenLink first_broken_link,
                         String head_hash) {
    }

    /** Verifies the range; a broken chain is also counted and reported to people (once per break). */
    public Uni<Result> verify(long fromSeq, long toSeq) {
        return check(fromSeq, toSeq).invoke(result -> meters.verified(result.valid())).call(notifications::verified);
    }

    /**
     * Everything the verification reads comes from one snapshot: the first entry, the head and the
     * latest checkpoint read at different moments would show an append, a checkpoint or a
     * retention run committed in between as a cut-off end or a missing entry.
     */
    private Uni<Result> check(long fromSeq, long toSeq) {
        return entries.inSnapshot(db -> entries.head(db).flatMap(head -> entries.firstSeq(db).flatMap(first ->
                checkpoints.latest(db).flatMap(latest -> check(db, fromSeq, toSeq, head, first, latest)))));
    }

    private Uni<Result> check(SqlClient db, long fromSeq, long toSeq, EntryRepository.Head head, Long first,
                              Checkpoints.Checkpoint latest) {
        if (first == null) {
            return Uni.createFrom().item(nothingStored(fromSeq, toSeq, head, latest));
        }
        long from = Math.max(first, fromSeq);
        long to = Math.min(toSeq, head.seq());
        if (from > to) {
            return Uni.createFrom().item(new Result(true, 0, from, to, null, HexFormat.of().formatHex(head.hash())));
        }
        Optional<BrokenLink> forged = ChainLinks.latestCheckpoint(latest, head.seq(), checkpoints::authentic);
        if (forged.isPresent()) {
            return Uni.createFrom().item(broken(0, from, to, head, forged.get()));
        }
        return startingHash(db, from).flatMap(before -> {
            if (before == null) {
                return Uni.createFrom().item(broken(0, from, to, head, new BrokenLink(from - 1, ChainLinks.MISSING)));
            }
            return checkpoints.between(db, from, to).flatMap(signed -> {
                Map<Long, Checkpoints.Checkpoint> bySeq = new HashMap<>();
                signed.forEach(c -> bySeq.put(c.seq(), c));
                return walk(db, new State(from, before, 0), to, head, bySeq);
            });
        });
    }

    /**
     * No entry is stored: either none ever was, or retention deleted them all, and then its signed
     * checkpoint of the last one deleted must be the head.
     */
    private Result nothingStored(long fromSeq, long toSeq, EntryRepository.Head head, Checkpoints.Checkpoint latest) {
        long from = Math.max(head.seq() + 1, fromSeq);
        long to = Math.min(toSeq, head.seq());
        Optional<BrokenLink> link = ChainLinks.latestCheckpoint(latest, head.seq(), checkpoints::authentic)
                .or(() -> ChainLinks.nothingStored(latest, head.seq(), head.hash()));
        return link.map(l -> broken(0, from, to, head, l))
                .orElseGet(() -> new Result(true, 0, from, to, null, HexFormat.of().formatHex(head.hash())));
    }

    private record State(long nextSeq, byte[] previousHash, long checked) {
    }

    /**
     * The hash the entry {@code from} must chain to: its predecessor's, or, when retention deleted
     * the predecessor, the one a signed retention checkpoint vouches for.
     */
    private Uni<byte[]> startingHash(SqlClient db, long from) {
        return entries.hashBefore(db, from).flatMap(before -> before != null ? Uni.createFrom().item(before)
                : checkpoints.at(db, from - 1).map(c -> c != null && checkpoints.authentic(c) ? c.headHash() : null));
    }

    private Uni<Result> walk(SqlClient db, State state, long to, EntryRepository.Head head,
                             Map<Long, Checkpoints.Checkpoint> signed) {
        return entries.range(db, state.nextSeq(), to, PAGE)
                // hashing a page is real CPU work: off the event loop, each row on its own (a row's
                // hash depends only on its own fields and the previous_hash it carries)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(page -> new HashedPage(page, page.parallelStream().map(AuditEntry::expectedHash).toList()))
                .flatMap(hashed -> check(db, state, to, head, signed, hashed));
    }

    private record HashedPage(List<AuditEntry> entries, List<byte[]> expected) {
    }

    private Uni<Result> check(SqlClient db, State state, long to, EntryRepository.Head head,
                              Map<Long, Checkpoints.Checkpoint> signed, HashedPage hashed) {
        long from = state.nextSeq() - state.checked();
        long expectedSeq = state.nextSeq();
        byte[] previous = state.previousHash();
        long checked = state.checked();
        for (int i = 0; i < hashed.entries().size(); i++) {
            AuditEntry e = hashed.entries().get(i);
            Optional<BrokenLink> link = ChainLinks.entry(e, expectedSeq, previous, hashed.expected().get(i),
                    signed.get(e.seq()), checkpoints::authentic);
            if (link.isPresent()) {
                return Uni.createFrom().item(broken(checked, from, to, head, link.get()));
            }
            previous = e.entryHash();
            expectedSeq++;
            checked++;
        }
        if (expectedSeq <= to) {
            if (hashed.entries().size() < PAGE) {
                return Uni.createFrom().item(broken(checked, from, to, head, new BrokenLink(expectedSeq, ChainLinks.MISSING)));
            }
            return walk(db, new State(expectedSeq, previous, checked), to, head, signed);
        }
        Optional<BrokenLink> end = ChainLinks.head(to, head.seq(), head.hash(), previous);
        if (end.isPresent()) {
            return Uni.createFrom().item(broken(checked, from, to, head, end.get()));
        }
        return Uni.createFrom().item(new Result(true, checked, from, to, null, HexFormat.of().formatHex(head.hash())));
    }

    private static Result broken(long checked, long from, long to, EntryRepository.Head head, BrokenLink link) {
        return new Result(false, checked, from, to, link, HexFormat.of().formatHex(head.hash()));
    }
}
