-- Parts of one size are written straight into one file of their upload, each at
-- (part number - 1) * that size, so that completing the upload can rename that file instead of
-- copying every part into a new one. A part claims its place before it writes there; a
-- completion closes the upload to new claims and uses the file only when every claim is a
-- part it completes with, recorded with the ETag it was claimed for.
ALTER TABLE storage.multipart_uploads ADD COLUMN placement_size bigint;
ALTER TABLE storage.multipart_uploads ADD COLUMN placement_closed boolean NOT NULL DEFAULT false;
ALTER TABLE storage.multipart_parts ADD COLUMN placed_claim uuid;

CREATE TABLE storage.multipart_placements (
    upload_id   text NOT NULL REFERENCES storage.multipart_uploads (upload_id) ON DELETE CASCADE,
    part_number integer NOT NULL,
    claim       uuid NOT NULL,
    placed_at   bigint NOT NULL,
    etag        text,
    PRIMARY KEY (upload_id, part_number)
);
