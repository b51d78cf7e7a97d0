package io.tuneops.support.health;

import io.smallrye.mutiny.Uni;
import io.tuneops.support.http.BackingStoreFailures;
import io.tuneops.support.store.Store;
import io.tuneops.support.store.StoreDeadlines;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** One store's readiness: up when the round trip answers within the readiness deadline, else down with the reason in words. */
final class StoreReadiness {

    private StoreReadiness() {
    }

    static Uni<HealthCheckResponse> check(String name, Store store, StoreDeadlines deadlines, Uni<?> roundTrip) {
        return deadlines.readiness(roundTrip, store)
                .map(answer -> HealthCheckResponse.up(name))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(name).down()
                        .withData("reason", BackingStoreFailures.isUnavailable(e)
                                ? BackingStoreFailures.describe(e) : store.words() + " answered with an error").build());
    }
}
