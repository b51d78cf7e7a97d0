package io.tuneops.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.store.StoreDeadlines;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Whether an e-mail address is any user's, active or deactivated (gateway.users). */
@ApplicationScoped
public class UserEmailRepository {

    private final Pool pool;
    private final StoreDeadlines deadlines;

    public UserEmailRepository(Pool pool, StoreDeadlines deadlines) {
        this.pool = pool;
        this.deadlines = deadlines;
    }

    /** Whether some user, deactivated ones included, has this address, whatever its case. */
    public Uni<Boolean> taken(String email) {
        return deadlines.database(pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM gateway.users WHERE lower(email) = lower($1))")
                .execute(Tuple.of(email))).map(rows -> rows.iterator().next().getBoolean(0));
    }
}
