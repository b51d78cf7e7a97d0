-- Each attempt at a part that goes into a file of its own writes a file named for that attempt,
-- and the part's row names it. With one file per part number, an attempt that wrote its file but
-- was never recorded (the process killed between the two, or PostgreSQL refusing the row) left
-- the recorded attempt's row describing the other attempt's bytes. Rows without a name are parts
-- written by earlier versions, in the file named by the part number alone.
ALTER TABLE storage.multipart_parts ADD COLUMN file_id uuid;
