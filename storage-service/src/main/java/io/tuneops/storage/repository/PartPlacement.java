package io.tuneops.storage.repository;

import io.tuneops.storage.repository.MultipartRepository.Part;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where an upload's parts are once a completion has closed it to new claims: {@code partSize},
 * the size the parts placed in its assembly file share (null while none claimed a place), the
 * part numbers that claimed a place there, and for those whose part is recorded as written under
 * its claim, the ETag of the bytes in the place. Any other part is in a file of its own.
 */
public record PartPlacement(Long partSize, Set<Integer> claimed, Map<Integer, String> settled) {

    /**
     * Whether {@code part}'s bytes are in the assembly file, at {@link #offsetOf}: the bytes in its
     * place are those of the ETag the completion names (a part read before the upload was closed
     * may have been sent again meanwhile).
     */
    public boolean placed(Part part) {
        return partSize != null && part.etag().equals(settled.get(part.partNumber()));
    }

    public long offsetOf(Part part) {
        return (part.partNumber() - 1L) * partSize;
    }

    /**
     * Whether the assembly file's first bytes are the object these parts make: they are parts 1 to
     * N, every one placed, all of the part size but the last (which is not longer), and no other
     * part holds a claim (so nothing else is recorded, or still being written, in the file).
     */
    public boolean isWhole(List<Part> parts) {
        if (partSize == null || !claimed.equals(settled.keySet()) || claimed.size() != parts.size()) {
            return false;
        }
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            boolean last = i == parts.size() - 1;
            if (part.partNumber() != i + 1 || !placed(part) || (last ? part.size() > partSize : part.size() != partSize)) {
                return false;
            }
        }
        return true;
    }
}
