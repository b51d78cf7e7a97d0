package io.tuneops.storage.repository;

import io.tuneops.storage.repository.MultipartRepository.Part;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a completion may take a part from the assembly file, and the whole file as the object. */
class PartPlacementTest {

    static final long SIZE = 8;

    @Test
    void partsOneToNOfThePartSizeAllPlacedAreTheWholeFile() {
        PartPlacement placement = new PartPlacement(SIZE, Set.of(1, 2, 3), Map.of(1, "a", 2, "b", 3, "c"));
        assertTrue(placement.isWhole(List.of(part(1, SIZE, "a"), part(2, SIZE, "b"), part(3, 3, "c"))));
        assertEquals(16, placement.offsetOf(part(3, 3, "c")));
    }

    @Test
    void aPartSentAgainSinceTheCompletionReadItIsNotTheOneInItsPlace() {
        // the completion names the version in the part's own file; the place holds the first attempt's bytes
        PartPlacement placement = new PartPlacement(SIZE, Set.of(1, 2), Map.of(1, "a", 2, "first"));
        Part again = part(2, SIZE, "second");
        assertFalse(placement.placed(again));
        assertTrue(placement.placed(part(1, SIZE, "a")));
        assertFalse(placement.isWhole(List.of(part(1, SIZE, "a"), again)));
    }

    @Test
    void anythingElseIsCopied() {
        PartPlacement placement = new PartPlacement(SIZE, Set.of(1, 2, 3), Map.of(1, "a", 2, "b", 3, "c"));
        // a claim the completion does not name: its bytes may still be written
        assertFalse(placement.isWhole(List.of(part(1, SIZE, "a"), part(2, SIZE, "b"))));
        // a gap in the numbers, a last part longer than the part size, a middle one shorter
        PartPlacement two = new PartPlacement(SIZE, Set.of(1, 3), Map.of(1, "a", 3, "c"));
        assertFalse(two.isWhole(List.of(part(1, SIZE, "a"), part(3, SIZE, "c"))));
        assertFalse(new PartPlacement(SIZE, Set.of(1, 2), Map.of(1, "a", 2, "b"))
                .isWhole(List.of(part(1, SIZE, "a"), part(2, SIZE + 1, "b"))));
        assertFalse(new PartPlacement(SIZE, Set.of(1, 2, 3), Map.of(1, "a", 2, "b", 3, "c"))
                .isWhole(List.of(part(1, SIZE, "a"), part(2, 4, "b"), part(3, 4, "c"))));
        // a claim whose part was never recorded under it
        assertFalse(new PartPlacement(SIZE, Set.of(1, 2), Map.of(1, "a"))
                .isWhole(List.of(part(1, SIZE, "a"), part(2, 4, "b"))));
        // no part claimed a place
        assertFalse(new PartPlacement(null, Set.of(), Map.of()).placed(part(1, SIZE, "a")));
    }

    private static Part part(int number, long size, String etag) {
        return new Part("upload", number, size, etag, null, null, null);
    }
}
