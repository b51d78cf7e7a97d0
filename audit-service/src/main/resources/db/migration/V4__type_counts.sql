-- Entries per type, kept in step by the appending transaction and by retention, so totals over the
-- whole trail (or by type) never need a count over millions of rows.
CREATE TABLE type_counts (
    type    text   PRIMARY KEY,
    entries bigint NOT NULL
);
INSERT INTO type_counts (type, entries) SELECT type, count(*) FROM entries GROUP BY type;
