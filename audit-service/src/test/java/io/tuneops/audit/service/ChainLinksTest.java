package io.tuneops.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tuneops.audit.service.ChainVerifier.BrokenLink;
import io.tuneops.audit.service.Checkpoints.Checkpoint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each step of a chain verification on entries built here, without a database. */
class ChainLinksTest {

    private static final byte[] ZERO = new byte[32];
    private static final Predicate<Checkpoint> SIGNED = c -> true;
    private static final Predicate<Checkpoint> FORGED = c -> false;

    /** An entry linked to {@code previous}, hashed as the repository stores it. */
    private static AuditEntry entry(long seq, byte[] previous, String actor) {
        Instant time = Instant.parse("2026-01-15T10:30:00.123456Z");
        JsonNode details = JsonNodeFactory.instance.objectNode().put("n", seq);
        byte[] hash = AuditEntry.chain(previous, AuditEntry.canonical(seq, "e-" + seq, time, "test", actor, null,
                null, null, null, details));
        return new AuditEntry(seq, "e-" + seq, time, "test", actor, null, null, null, null, details, previous, hash);
    }

    private static Checkpoint checkpoint(long seq, byte[] hash) {
        return new Checkpoint(seq, hash, seq, OffsetDateTime.parse("2026-01-15T10:30:00Z"), "periodic", new byte[32]);
    }

    private static Optional<BrokenLink> check(AuditEntry e, long expectedSeq, byte[] previous, Checkpoint signed,
                                              Predicate<Checkpoint> authentic) {
        return ChainLinks.entry(e, expectedSeq, previous, e.expectedHash(), signed, authentic);
    }

    @Test
    void anIntactEntryLinksToItsPredecessor() {
        AuditEntry first = entry(1, ZERO, "a");
        AuditEntry second = entry(2, first.entryHash(), "a");
        assertEquals(Optional.empty(), check(first, 1, ZERO, null, SIGNED));
        assertEquals(Optional.empty(), check(second, 2, first.entryHash(), null, SIGNED));
    }

    @Test
    void aGapNamesTheMissingSequenceNumberAndTheNextOne() {
        AuditEntry third = entry(3, ZERO, "a");
        assertEquals(Optional.of(new BrokenLink(2, "entry is missing (next is 3)")), check(third, 2, ZERO, null, SIGNED));
    }

    @Test
    void aPreviousHashThatIsNotThePredecessorsBreaksTheLink() {
        AuditEntry first = entry(1, ZERO, "a");
        AuditEntry stranger = entry(2, ZERO, "a");
        assertEquals(Optional.of(new BrokenLink(2, "previous_hash does not match the entry before it")),
                check(stranger, 2, first.entryHash(), null, SIGNED));
    }

    @Test
    void anEditedFieldNoLongerGivesTheStoredHash() {
        AuditEntry original = entry(1, ZERO, "a");
        AuditEntry edited = new AuditEntry(1, original.eventId(), original.time(), original.type(), "someone-else",
                null, null, null, null, original.details(), ZERO, original.entryHash());
        assertEquals(Optional.of(new BrokenLink(1, "entry_hash does not match the entry's fields")),
                check(edited, 1, ZERO, null, SIGNED));
    }

    @Test
    void aSignedCheckpointMustBeAuthenticAndNameTheEntrysHash() {
        AuditEntry first = entry(1, ZERO, "a");
        String reason = "the entry does not match its signed checkpoint";
        assertEquals(Optional.empty(), check(first, 1, ZERO, checkpoint(1, first.entryHash()), SIGNED));
        assertEquals(Optional.of(new BrokenLink(1, reason)), check(first, 1, ZERO, checkpoint(1, first.entryHash()), FORGED));
        assertEquals(Optional.of(new BrokenLink(1, reason)), check(first, 1, ZERO, checkpoint(1, ZERO), SIGNED));
    }

    @Test
    void theLatestCheckpointShowsACutOffEndOrAForgery() {
        assertEquals(Optional.empty(), ChainLinks.latestCheckpoint(null, 5, FORGED));
        assertEquals(Optional.empty(), ChainLinks.latestCheckpoint(checkpoint(5, ZERO), 5, SIGNED));
        assertEquals(Optional.of(new BrokenLink(7, "the chain ends before a signed checkpoint: entries were cut off")),
                ChainLinks.latestCheckpoint(checkpoint(7, ZERO), 5, SIGNED));
        assertEquals(Optional.of(new BrokenLink(5, "a checkpoint's signature does not match")),
                ChainLinks.latestCheckpoint(checkpoint(5, ZERO), 5, FORGED));
    }

    @Test
    void aRangeReachingTheHeadMustEndOnTheHeadsHash() {
        AuditEntry last = entry(4, ZERO, "a");
        assertEquals(Optional.empty(), ChainLinks.head(4, 4, last.entryHash(), last.entryHash()));
        assertEquals(Optional.empty(), ChainLinks.head(3, 4, last.entryHash(), ZERO), "a range short of the head");
        assertEquals(Optional.of(new BrokenLink(4, "the last entry does not match the chain head")),
                ChainLinks.head(4, 4, last.entryHash(), ZERO));
    }

    @Test
    void withNothingStoredTheHeadMustBeItsLatestSignedCheckpoint() {
        byte[] head = entry(4, ZERO, "a").entryHash();
        assertEquals(Optional.empty(), ChainLinks.nothingStored(null, 0, ZERO), "nothing was ever stored");
        assertEquals(Optional.empty(), ChainLinks.nothingStored(checkpoint(4, head), 4, head), "retention deleted all");
        assertEquals(Optional.of(new BrokenLink(1, "entry is missing")), ChainLinks.nothingStored(null, 4, head));
        assertEquals(Optional.of(new BrokenLink(3, "entry is missing")), ChainLinks.nothingStored(checkpoint(2, ZERO), 4, head));
        assertEquals(Optional.of(new BrokenLink(4, "the chain head does not match its signed checkpoint")),
                ChainLinks.nothingStored(checkpoint(4, ZERO), 4, head));
    }
}
