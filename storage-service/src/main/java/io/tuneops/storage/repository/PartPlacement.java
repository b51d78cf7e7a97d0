package io.tuneops.storage.repository;

import io.tuneops.storage.repository.MultipartRepository.Part;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An upload's assembly file once a completion has closed the upload to new claims:
 * {@code partSize}, the size the parts placed in it share (null while none claimed a place), and
 * the claim each part number holds on its place. A claim whose part was recorded stays until the
 * upload ends, so the bytes of a row naming it are at its place for good.
 */
public record PartPlacement(Long partSize, Map<Integer, UUID> claims) {

    /** Whether {@code part} was written in its place under the claim the place holds. */
    public boolean holds(Part part) {
        return partSize != null && part.location() instanceof PartLocation.InAssembly placed
                && placed.claim().equals(claims.get(part.partNumber()));
    }

    /** The offset of {@code part}'s place; for a part written there. */
    public long offsetOf(Part part) {
        return (part.partNumber() - 1L) * partSize;
    }

    /**
     * Whether the assembly file's first bytes are the object these parts make: they are parts 1 to
     * N, every one written in its place under the claim that place holds, all of the part size but
     * the last (which is not longer), and no other part holds a claim (whose attempt may still be
     * writing in the file).
     */
    public boolean isWhole(List<Part> parts) {
        if (partSize == null || claims.size() != parts.size()) {
            return false;
        }
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            boolean last = i == parts.size() - 1;
            if (part.partNumber() != i + 1 || !holds(part) || (last ? part.size() > partSize : part.size() != partSize)) {
                return false;
            }
        }
        return true;
    }
}
