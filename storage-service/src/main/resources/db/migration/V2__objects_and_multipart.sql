-- Object metadata. The bytes are files under the output directory ({output}/{key}); a row here is
-- what makes an object visible: it is written after the file was renamed into place.
-- Keys use the "C" collation so that ORDER BY key is S3's listing order (UTF-8 byte order).
CREATE TABLE storage.objects (
    bucket             text NOT NULL,
    key                text COLLATE "C" NOT NULL,
    size               bigint NOT NULL,
    etag               text NOT NULL,
    content_type       text NOT NULL,
    checksum_algorithm text,
    checksum_value     text,
    checksum_type      text,
    headers            jsonb NOT NULL DEFAULT '{}'::jsonb,
    parts_count        integer,
    part_sizes         bigint[],
    last_modified      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket, key)
);

CREATE TABLE storage.multipart_uploads (
    upload_id          text PRIMARY KEY,
    bucket             text NOT NULL,
    key                text COLLATE "C" NOT NULL,
    job_id             text,
    content_type       text NOT NULL,
    checksum_algorithm text,
    checksum_type      text,
    headers            jsonb NOT NULL DEFAULT '{}'::jsonb,
    initiated          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX multipart_uploads_key ON storage.multipart_uploads (bucket, key, upload_id);
CREATE INDEX multipart_uploads_initiated ON storage.multipart_uploads (initiated);

CREATE TABLE storage.multipart_parts (
    upload_id      text NOT NULL REFERENCES storage.multipart_uploads (upload_id) ON DELETE CASCADE,
    part_number    integer NOT NULL,
    size           bigint NOT NULL,
    etag           text NOT NULL,
    checksum_value text,
    last_modified  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (upload_id, part_number)
);
