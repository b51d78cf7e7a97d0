package io.tuneops.storage;

import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;

/**
 * A deferred constraint trigger that refuses, at COMMIT, the changes of rows it picks, as a
 * serialization failure or a connection lost at that moment would fail the COMMIT: changes of
 * storage.objects keys with {@link #MARK} in them, or the recording of a part with a given ETag.
 */
final class RefusedAtCommit {

    /** A change of a key with this in it fails at COMMIT while the trigger is installed. */
    static final String MARK = "refused-at-commit/";

    private final Pool pool;
    private final String name;
    private final String events;
    private final String table;
    private final String refused;

    private RefusedAtCommit(Pool pool, String name, String events, String table, String refused) {
        this.pool = pool;
        this.name = name;
        this.events = events;
        this.table = table;
        this.refused = refused;
    }

    static RefusedAtCommit deletes(Pool pool) {
        return new RefusedAtCommit(pool, "refuse_delete_at_commit", "DELETE", "storage.objects",
                "strpos(OLD.key, '/%s') > 0".formatted(MARK));
    }

    static RefusedAtCommit writes(Pool pool) {
        return new RefusedAtCommit(pool, "refuse_write_at_commit", "INSERT OR UPDATE", "storage.objects",
                "strpos(NEW.key, '/%s') > 0".formatted(MARK));
    }

    /** Refuses recording a part whose ETag (hex, unquoted) is {@code etag}. */
    static RefusedAtCommit partsWithEtag(Pool pool, String etag) {
        return new RefusedAtCommit(pool, "refuse_part_at_commit", "INSERT OR UPDATE", "storage.multipart_parts",
                "NEW.etag = '%s'".formatted(etag.replace("'", "")));
    }

    void install() {
        run("""
                CREATE OR REPLACE FUNCTION storage.%1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF %2$s THEN
                        RAISE EXCEPTION 'change refused at commit';
                    END IF;
                    RETURN NULL;
                END $$""".formatted(name, refused));
        run("DROP TRIGGER IF EXISTS " + name + " ON " + table);
        run("CREATE CONSTRAINT TRIGGER " + name + " AFTER " + events + " ON " + table
                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION storage." + name + "()");
    }

    void remove() {
        run("DROP TRIGGER IF EXISTS " + name + " ON " + table);
        run("DROP FUNCTION IF EXISTS storage." + name + "()");
    }

    private void run(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }
}
