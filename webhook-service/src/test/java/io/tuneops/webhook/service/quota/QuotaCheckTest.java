package io.tuneops.webhook.service.quota;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** How a quota's figures are written into its messages. */
class QuotaCheckTest {

    @Test
    void anAmountOfAnySizeIsWrittenWithoutWritingOutEveryDigit() {
        String written = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> QuotaCheck.money(new BigDecimal("1e999999999")));
        assertEquals("$1E+999999999", written);
        assertEquals("$1.23457E+18", QuotaCheck.money(new BigDecimal("1234567890123456789")));
        // what a budget holds is written in dollars and cents
        assertEquals("$12.35", QuotaCheck.money(new BigDecimal("12.345")));
        assertEquals("$100000000.00", QuotaCheck.money(new BigDecimal("99999999.999999")));
        assertEquals("$0.00", QuotaCheck.money(BigDecimal.ZERO));
        Quota budget = new Quota("quota_1", QuotaType.COST_DAILY, BigDecimal.ONE, QuotaAction.BLOCK, QuotaScope.USER, null,
                null, "usr_1", null, "key_admin");
        assertEquals("cost_daily quota for user:usr_1 exceeded: $0.60 projected plus $0.60 for this job, of $1.00 "
                + "(quota_1, action block)", new QuotaCheck(budget, new BigDecimal("0.6"), new BigDecimal("0.60")).message());
    }
}
