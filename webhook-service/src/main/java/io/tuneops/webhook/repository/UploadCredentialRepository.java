package io.tuneops.webhook.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class UploadCredentialRepository {

    public record StoredCredential(String accessKeyId, String jobId, byte[] secretCiphertext, String bucket,
                                   String prefix, OffsetDateTime expiresAt) {
    }

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public UploadCredentialRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    public Uni<Void> insert(SqlClient tx, StoredCredential c) {
        return tx.preparedQuery("INSERT INTO webhook.upload_credential (access_key_id, job_id, secret_ciphertext, bucket, prefix, expires_at) "
                        + "VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(c.accessKeyId(), c.jobId(), Buffer.buffer(c.secretCiphertext()), c.bucket(), c.prefix(),
                        c.expiresAt()))
                .replaceWithVoid();
    }

    /** Shortens the job's credentials to {@code until} (never lengthens them); returns the changed ones. */
    public Uni<List<StoredCredential>> expireBy(SqlClient tx, String jobId, OffsetDateTime until) {
        return tx.preparedQuery("UPDATE webhook.upload_credential SET expires_at = least(expires_at, $2) WHERE job_id = $1 "
                        + "RETURNING access_key_id, job_id, secret_ciphertext, bucket, prefix, expires_at")
                .execute(Tuple.of(jobId, until)).map(UploadCredentialRepository::rows);
    }

    /**
     * Credentials still valid, for republishing after Redis lost them; those of a job waiting for
     * approval are not usable yet.
     */
    public Uni<List<StoredCredential>> live() {
        return deadlines.database(pool.query("SELECT c.access_key_id, c.job_id, c.secret_ciphertext, c.bucket, c.prefix, "
                        + "c.expires_at FROM webhook.upload_credential c JOIN webhook.job j ON j.job_id = c.job_id "
                        + "WHERE c.expires_at > now() AND j.status <> 'pending_approval'")
                .execute()).map(UploadCredentialRepository::rows);
    }

    /** A job's credentials still valid, in its transaction {@code tx}. */
    public Uni<List<StoredCredential>> liveOf(SqlClient tx, String jobId) {
        return tx.preparedQuery("SELECT access_key_id, job_id, secret_ciphertext, bucket, prefix, expires_at "
                        + "FROM webhook.upload_credential WHERE job_id = $1 AND expires_at > now()")
                .execute(Tuple.of(jobId)).map(UploadCredentialRepository::rows);
    }

    private static List<StoredCredential> rows(RowSet<Row> rows) {
        List<StoredCredential> out = new ArrayList<>();
        rows.forEach(r -> out.add(new StoredCredential(r.getString("access_key_id"), r.getString("job_id"),
                r.getBuffer("secret_ciphertext").getBytes(), r.getString("bucket"), r.getString("prefix"),
                r.getOffsetDateTime("expires_at"))));
        return out;
    }
}
