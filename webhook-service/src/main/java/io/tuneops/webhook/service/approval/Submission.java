package io.tuneops.webhook.service.approval;

import io.tuneops.webhook.service.Provider;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * What the approval rules look at when a job is submitted, inside the transaction that creates it.
 *
 * @param estimatedCostUsd the projected cost of the run, null when it cannot be estimated
 */
public record Submission(String jobId, Submitter submitter, Provider provider, String hardware, String name,
                         JsonObject input, BigDecimal estimatedCostUsd) {
}
