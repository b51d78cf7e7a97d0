package io.tuneops.webhook.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The approval workflow (see docs/approvals.md). */
@ConfigMapping(prefix = "tuneops.approvals")
public interface ApprovalConfig {

    /** A pending request not decided within this is expired and its job cancelled (TUNEOPS_APPROVAL_EXPIRY). */
    @WithDefault("24H")
    Duration expiry();

    /**
     * How often one replica looks for overdue requests (TUNEOPS_APPROVAL_CHECK_INTERVAL, or the
     * original's SIMPLETUNER_APPROVAL_CHECK_INTERVAL in seconds).
     */
    @WithDefault("300S")
    Duration checkInterval();

    /**
     * Whether a person holding the required role may approve a job they submitted themselves
     * (TUNEOPS_APPROVAL_ALLOW_SELF_APPROVAL). Off: approval needs a second person, which is the
     * point of it; on for installations with a single administrator.
     */
    @WithDefault("false")
    boolean allowSelfApproval();
}
