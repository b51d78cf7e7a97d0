package io.tuneops.storage.repository;

import java.util.UUID;

/**
 * Where a recorded part's bytes are. Each attempt at a part writes bytes no other attempt
 * touches, and a part's row names where its attempt wrote them, so a completion holding a row
 * finds that row's bytes even if the part has been sent again since it read it.
 */
public sealed interface PartLocation {

    /** At the part's place in the upload's assembly file, written under {@code claim}. */
    record InAssembly(UUID claim) implements PartLocation {
        @Override
        public UUID placedClaim() {
            return claim;
        }
    }

    /** In a file of the attempt's own, {@code {upload}/{part number}-{fileId}}. */
    record OwnFile(UUID fileId) implements PartLocation {
    }

    /** In {@code {upload}/{part number}}: a part written by a version from before either of the others. */
    record NumberedFile() implements PartLocation {
    }

    /** The claim of a part in the assembly file, else null: the row's {@code placed_claim}. */
    default UUID placedClaim() {
        return null;
    }

    /** The id of a part's own file, else null: the row's {@code file_id}. */
    default UUID fileId() {
        return null;
    }

    /** The location a row's {@code placed_claim} and {@code file_id} name. */
    static PartLocation of(UUID placedClaim, UUID fileId) {
        if (placedClaim != null) {
            return new InAssembly(placedClaim);
        }
        return fileId != null ? new OwnFile(fileId) : new NumberedFile();
    }
}
