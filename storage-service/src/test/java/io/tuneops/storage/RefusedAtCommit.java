package io.tuneops.storage;

import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;

/**
 * A deferred constraint trigger on storage.objects that refuses, at COMMIT, changes of keys with
 * {@link #MARK} in them, as a serialization failure or a connection lost at that moment would
 * fail the COMMIT.
 */
final class RefusedAtCommit {

    /** A change of a key with this in it fails at COMMIT while the trigger is installed. */
    static final String MARK = "refused-at-commit/";

    private final Pool pool;
    private final String name;
    private final String events;
    private final String row;

    private RefusedAtCommit(Pool pool, String name, String events, String row) {
        this.pool = pool;
        this.name = name;
        this.events = events;
        this.row = row;
    }

    static RefusedAtCommit deletes(Pool pool) {
        return new RefusedAtCommit(pool, "refuse_delete_at_commit", "DELETE", "OLD");
    }

    static RefusedAtCommit writes(Pool pool) {
        return new RefusedAtCommit(pool, "refuse_write_at_commit", "INSERT OR UPDATE", "NEW");
    }

    void install() {
        run("""
                CREATE OR REPLACE FUNCTION storage.%1$s() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF strpos(%2$s.key, '/%3$s') > 0 THEN
                        RAISE EXCEPTION 'change of %% refused at commit', %2$s.key;
                    END IF;
                    RETURN %2$s;
                END $$""".formatted(name, row, MARK));
        run("DROP TRIGGER IF EXISTS " + name + " ON storage.objects");
        run("CREATE CONSTRAINT TRIGGER " + name + " AFTER " + events + " ON storage.objects"
                + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION storage." + name + "()");
    }

    void remove() {
        run("DROP TRIGGER IF EXISTS " + name + " ON storage.objects");
        run("DROP FUNCTION IF EXISTS storage." + name + "()");
    }

    private void run(String sql) {
        pool.query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }
}
