-- A multipart object remembers the upload that produced it, so that a CompleteMultipartUpload
-- retried after a lost answer gets the same answer instead of NoSuchUpload, and its parts'
-- checksums, which GetObjectAttributes lists (the parts' own rows go with the upload).
ALTER TABLE storage.objects ADD COLUMN upload_id text;
ALTER TABLE storage.objects ADD COLUMN part_checksums text[];
