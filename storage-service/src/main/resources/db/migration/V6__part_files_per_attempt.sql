-- Each attempt at a part that goes into a file of its own writes a file named for that attempt,
-- and the part's row names it, so that an attempt that wrote its file but was never recorded (the
-- process killed between the two, PostgreSQL refusing the row, another attempt recorded after it)
-- cannot change the bytes the recorded attempt's row describes. Rows naming neither a claim nor a
-- file are parts written by earlier versions, in the file named by the part number alone.
ALTER TABLE storage.multipart_parts ADD COLUMN file_id uuid;
ALTER TABLE storage.multipart_parts ADD CONSTRAINT multipart_parts_one_location
    CHECK (placed_claim IS NULL OR file_id IS NULL);

-- A part's row names the claim it was written under, and a recorded claim is never given up, so
-- a completion finds the row's bytes at the claim's place without comparing ETags.
ALTER TABLE storage.multipart_placements DROP COLUMN etag;
