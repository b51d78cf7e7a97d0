package io.tuneops.audit.service;

import io.tuneops.audit.service.ChainVerifier.BrokenLink;
import io.tuneops.audit.service.Checkpoints.Checkpoint;

import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The checks of a chain verification, apart from reading the entries, so that each one can be
 * tested on its own: what the latest signed checkpoint says about the head, whether one entry
 * links to the one before it, and whether the last entry is the head.
 */
final class ChainLinks {

    static final String MISSING = "entry is missing";

    private ChainLinks() {
    }

    /**
     * The latest signed checkpoint against the head: one beyond the head means entries were cut off
     * the end (and the head rewritten to hide it); one whose signature does not match was forged.
     */
    static Optional<BrokenLink> latestCheckpoint(Checkpoint latest, long headSeq, Predicate<Checkpoint> authentic) {
        if (latest == null) {
            return Optional.empty();
        }
        if (latest.seq() > headSeq) {
            return Optional.of(new BrokenLink(latest.seq(), "the chain ends before a signed checkpoint: entries were cut off"));
        }
        if (!authentic.test(latest)) {
            return Optional.of(new BrokenLink(latest.seq(), "a checkpoint's signature does not match"));
        }
        return Optional.empty();
    }

    /**
     * Whether {@code entry}, expected at {@code expectedSeq} right after an entry whose hash is
     * {@code previousHash}, breaks the chain: a gap before it, a previous_hash that is not its
     * predecessor's, an entry_hash its own fields do not give ({@code recomputed}), or a signed
     * checkpoint at its seq ({@code signed}, null when none) that is forged or names another hash.
     */
    static Optional<BrokenLink> entry(AuditEntry entry, long expectedSeq, byte[] previousHash, byte[] recomputed,
                                      Checkpoint signed, Predicate<Checkpoint> authentic) {
        if (entry.seq() != expectedSeq) {
            return Optional.of(new BrokenLink(expectedSeq, MISSING + " (next is " + entry.seq() + ")"));
        }
        String reason = null;
        if (!MessageDigest.isEqual(entry.previousHash(), previousHash)) {
            reason = "previous_hash does not match the entry before it";
        } else if (!MessageDigest.isEqual(entry.entryHash(), recomputed)) {
            reason = "entry_hash does not match the entry's fields";
        } else if (signed != null && (!authentic.test(signed) || !MessageDigest.isEqual(signed.headHash(), entry.entryHash()))) {
            reason = "the entry does not match its signed checkpoint";
        }
        return reason == null ? Optional.empty() : Optional.of(new BrokenLink(entry.seq(), reason));
    }

    /**
     * With no entry stored, the head must be vouched for: nothing was ever stored (head 0), or the
     * latest signed checkpoint (checked by {@link #latestCheckpoint}) is the head itself, which
     * retention signs before it deletes the last entries. Entries deleted past the latest
     * checkpoint, or a head rewritten since, break the chain.
     */
    static Optional<BrokenLink> nothingStored(Checkpoint latest, long headSeq, byte[] headHash) {
        if (headSeq == 0) {
            return Optional.empty();
        }
        if (latest == null || latest.seq() < headSeq) {
            return Optional.of(new BrokenLink(latest == null ? 1 : latest.seq() + 1, MISSING));
        }
        if (!MessageDigest.isEqual(latest.headHash(), headHash)) {
            return Optional.of(new BrokenLink(headSeq, "the chain head does not match its signed checkpoint"));
        }
        return Optional.empty();
    }

    /** A range that reaches the head ({@code to == headSeq}) must end on the head's hash. */
    static Optional<BrokenLink> head(long to, long headSeq, byte[] headHash, byte[] lastHash) {
        if (to == headSeq && !MessageDigest.isEqual(lastHash, headHash)) {
            return Optional.of(new BrokenLink(to, "the last entry does not match the chain head"));
        }
        return Optional.empty();
    }
}
