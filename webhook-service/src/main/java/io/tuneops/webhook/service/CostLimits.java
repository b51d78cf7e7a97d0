package io.tuneops.webhook.service;

import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** A provider's cost limit ({"amount", "period", "action"}, checked by ProviderConfigValidator) against what it has spent. */
final class CostLimits {

    /** {@code message} is null when the submission is well inside the limit. */
    record Check(boolean blocked, String message) {
        static final Check WITHIN = new Check(false, null);
    }

    private CostLimits() {
    }

    /** At 80 % of a limit submissions carry a warning; at 100 % a blocking limit refuses them. */
    static Check check(JsonObject limit, double spent, Provider provider) {
        double amount = limit.getDouble("amount");
        String period = period(limit);
        boolean block = "block".equals(limit.getString("action"));
        String figures = String.format(Locale.ROOT, "$%.2f of the %s limit of $%.2f for %s", spent, period, amount,
                provider.wire());
        if (spent >= amount) {
            return block ? new Check(true, "Cost limit reached: " + figures + " spent")
                    : new Check(false, "Cost limit exceeded: " + figures + " spent");
        }
        return spent >= 0.8 * amount ? new Check(false, "Cost limit nearly reached: " + figures + " spent") : Check.WITHIN;
    }

    static String period(JsonObject limit) {
        return limit.getString("period", "monthly");
    }

    /** The start (UTC) of the daily, weekly (from Monday) or monthly period that contains {@code now}. */
    static OffsetDateTime periodStart(String period, OffsetDateTime now) {
        OffsetDateTime today = now.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return switch (period) {
            case "daily" -> today;
            case "weekly" -> today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            default -> today.withDayOfMonth(1);
        };
    }
}
