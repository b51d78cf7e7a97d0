package io.tuneops.storage.repository;

import io.tuneops.storage.repository.MultipartRepository.Part;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a completion may take a part from the assembly file, and the whole file as the object. */
class PartPlacementTest {

    static final long SIZE = 8;
    static final UUID A = UUID.randomUUID();
    static final UUID B = UUID.randomUUID();
    static final UUID C = UUID.randomUUID();

    @Test
    void partsOneToNOfThePartSizeEachUnderItsPlacesClaimAreTheWholeFile() {
        PartPlacement placement = new PartPlacement(SIZE, Map.of(1, A, 2, B, 3, C));
        assertTrue(placement.isWhole(List.of(placed(1, SIZE, A), placed(2, SIZE, B), placed(3, 3, C))));
        assertEquals(16, placement.offsetOf(placed(3, 3, C)));
    }

    @Test
    void aPartInAFileOfItsOwnIsNotInThePlaceAnotherAttemptClaimed() {
        // the part was sent again into its own file: the place holds the first attempt's bytes
        PartPlacement placement = new PartPlacement(SIZE, Map.of(1, A, 2, B));
        Part again = new Part("upload", 2, SIZE, "e2", null, null, new PartLocation.OwnFile(UUID.randomUUID()));
        assertFalse(placement.holds(again));
        assertTrue(placement.holds(placed(1, SIZE, A)));
        assertFalse(placement.isWhole(List.of(placed(1, SIZE, A), again)));
        // a row read before the part was sent again still names the first attempt, whose bytes are in the place
        assertTrue(placement.isWhole(List.of(placed(1, SIZE, A), placed(2, SIZE, B))));
    }

    @Test
    void anythingElseIsCopied() {
        PartPlacement placement = new PartPlacement(SIZE, Map.of(1, A, 2, B, 3, C));
        // a claim the completion does not name: its bytes may still be written
        assertFalse(placement.isWhole(List.of(placed(1, SIZE, A), placed(2, SIZE, B))));
        // a gap in the numbers, a last part longer than the part size, a middle one shorter
        assertFalse(new PartPlacement(SIZE, Map.of(1, A, 3, C)).isWhole(List.of(placed(1, SIZE, A), placed(3, SIZE, C))));
        assertFalse(new PartPlacement(SIZE, Map.of(1, A, 2, B)).isWhole(List.of(placed(1, SIZE, A), placed(2, SIZE + 1, B))));
        assertFalse(placement.isWhole(List.of(placed(1, SIZE, A), placed(2, 4, B), placed(3, 4, C))));
        // a place claimed by another attempt than the one the row names
        assertFalse(new PartPlacement(SIZE, Map.of(1, A, 2, C)).isWhole(List.of(placed(1, SIZE, A), placed(2, 4, B))));
        // no part claimed a place
        assertFalse(new PartPlacement(null, Map.of()).holds(placed(1, SIZE, A)));
    }

    private static Part placed(int number, long size, UUID claim) {
        return new Part("upload", number, size, "e" + number, null, null, new PartLocation.InAssembly(claim));
    }
}
