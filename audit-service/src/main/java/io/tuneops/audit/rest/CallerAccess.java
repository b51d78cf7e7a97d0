package io.tuneops.audit.rest;

import io.tuneops.support.http.VouchedAccess;
import io.tuneops.support.http.VouchedAccess.Rule;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

import static io.tuneops.support.http.VouchedAccess.ANY;
import static io.tuneops.support.http.VouchedAccess.Access.ADMIN;
import static io.tuneops.support.http.VouchedAccess.Access.OPEN;

/**
 * Defence in depth behind the gateway: the audit trail answers only requests the gateway vouched
 * for (internal secret) on behalf of an admin key, as the gateway's AccessPolicy requires, so
 * reaching this service's port directly does not read it. {@code /internal/**} checks the
 * internal secret itself; the probes and {@code /q/metrics} stay open.
 */
@ApplicationScoped
public class CallerAccess {

    private static final List<Rule> RULES = List.of(Rule.of(ANY, "/api/audit(/.*)?", ADMIN));

    void register(@Observes Router router) {
        VouchedAccess.install(router, RULES, OPEN);
    }
}
