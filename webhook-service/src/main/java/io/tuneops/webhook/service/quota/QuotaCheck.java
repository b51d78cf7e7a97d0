package io.tuneops.webhook.service.quota;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Comparator;

/**
 * One quota against what its scope has used: {@code current} before the submit, {@code increment}
 * what the submit adds (one job, or its estimated cost; zero when it only reads the status).
 */
public record QuotaCheck(Quota quota, BigDecimal current, BigDecimal increment) {

    /** At this share of a limit a submit carries a warning. */
    static final BigDecimal WARNING_SHARE = new BigDecimal("0.8");
    /** Integer digits written out in full: a budget's 8, and room for what many jobs add up to. */
    private static final int MONEY_DIGITS = 15;

    /** Tightest first: the largest share of its limit used, then the smallest limit. */
    static final Comparator<QuotaCheck> TIGHTEST_FIRST = Comparator.comparing(QuotaCheck::share).reversed()
            .thenComparing(c -> c.quota().limit());

    public BigDecimal projected() {
        return current.add(increment);
    }

    /**
     * Whether the submit would go over the limit. A scope already at its limit is exceeded even by
     * a job whose cost cannot be estimated (increment zero).
     */
    public boolean exceeded() {
        BigDecimal limit = quota.limit();
        return current.compareTo(limit) >= 0 || projected().compareTo(limit) > 0;
    }

    public boolean warning() {
        return !exceeded() && projected().compareTo(quota.limit().multiply(WARNING_SHARE)) >= 0;
    }

    BigDecimal share() {
        return projected().divide(quota.limit(), 6, RoundingMode.HALF_UP);
    }

    public double percentUsed() {
        return share().movePointRight(2).setScale(1, RoundingMode.HALF_UP).doubleValue();
    }

    /** What a person reads: the quota, its scope, the figures and the quota's id. */
    public String message() {
        QuotaType type = quota.type();
        String state = exceeded() ? "exceeded" : warning() ? "nearly reached" : "within limit";
        String figures;
        if (type.cost()) {
            figures = increment.signum() == 0 ? money(current) + " of " + money(quota.limit()) + " projected"
                    : money(current) + " projected plus " + money(increment) + " for this job, of " + money(quota.limit());
        } else if (increment.signum() == 0) {
            figures = count(current) + " of " + count(quota.limit()) + " jobs";
        } else {
            figures = exceeded() ? count(current) + " of " + count(quota.limit()) + " jobs already"
                    : "this job makes " + count(projected()) + " of " + count(quota.limit());
        }
        return type.wire() + " quota for " + quota.scopeKey() + " " + state + ": " + figures + " (" + quota.id()
                + ", action " + quota.action().wire() + ")";
    }

    /**
     * Dollars and cents; an amount of more digits than any budget holds is shown in scientific
     * notation, since writing out every digit of a value such as 1E+999999999 would take gigabytes.
     */
    static String money(BigDecimal amount) {
        if (amount.precision() - amount.scale() > MONEY_DIGITS) {
            return "$" + amount.round(new MathContext(6, RoundingMode.HALF_UP));
        }
        return "$" + amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String count(BigDecimal n) {
        return n.stripTrailingZeros().toPlainString();
    }
}
