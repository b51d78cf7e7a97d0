package io.tuneops.console.service;

import io.tuneops.console.client.ProvidersApi.CostLimit;
import io.tuneops.console.client.ProvidersApi.ProviderChange;
import io.tuneops.console.client.ProvidersApi.ProviderView;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderFormTest {

    static ProviderView view(Boolean sslVerify, String proxy) {
        Map<String, Double> prices = new LinkedHashMap<>();
        prices.put("gpu-a100", 0.0014);
        prices.put("cpu", 0.0);
        return new ProviderView("replicate", true, List.of("10.0.0.0/8", "1.2.3.4/32"), true, sslVerify, null, proxy, 30.0,
                null, null, null, null, true, false, new CostLimit(100.0, "daily", "block"), prices, "api");
    }

    static ProviderForm form(String ips, String sslVerify, boolean ack, String proxy, String timeout, String amount,
                             String prices) {
        return new ProviderForm(ips, true, sslVerify, ack, "", proxy, timeout, "", "", "", "", "", false, "", false, amount,
                "monthly", "warn", prices);
    }

    @Test
    void aStoredConfigurationIsShownAsTyped() {
        ProviderForm shown = ProviderForm.of(view(null, "http://u:***@proxy:8080"));
        assertEquals("10.0.0.0/8\n1.2.3.4/32", shown.webhookAllowedIps());
        assertEquals("30", shown.httpTimeout());
        assertEquals("100", shown.costLimitAmount());
        assertEquals("daily", shown.costLimitPeriod());
        assertEquals("gpu-a100 = 0.0014\ncpu = 0", shown.hardwarePrices());
        assertEquals("", shown.sslVerify());
        assertEquals("", shown.apiToken(), "secrets are never shown");
    }

    @Test
    void theAllowlistIsOneEntryPerLine() {
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"), ProviderForm.lines(" 10.0.0.0/8\r\n\n  2001:db8::/32 \n"));
        assertEquals(List.of(), ProviderForm.lines(""));
    }

    @Test
    void turningVerificationOffNeedsTheAcknowledgmentUnlessItIsAlreadyOff() {
        assertEquals(ProviderForm.ACK_REQUIRED,
                form("", "false", false, "", "", "", "").build(view(null, null)).errors().get("ssl_verify"));
        assertEquals(ProviderForm.ACK_REQUIRED,
                form("", "false", false, "", "", "", "").build(view(true, null)).errors().get("ssl_verify"));
        ProviderForm.Built acknowledged = form("", "false", true, "", "", "", "").build(view(true, null));
        assertTrue(acknowledged.errors().isEmpty());
        assertEquals(Optional.of(false), acknowledged.change().ssl_verify());
        assertTrue(form("", "false", false, "", "", "", "").build(view(false, null)).errors().isEmpty());
        assertTrue(form("", "true", false, "", "", "", "").build(view(false, null)).errors().isEmpty());
    }

    @Test
    void aMaskedProxyLeftAsShownIsNotSent() {
        assertNull(form("", "", false, "http://u:***@proxy:8080", "", "", "").build(view(null, "http://u:***@proxy:8080"))
                .change().proxy_url(), "not sent");
        assertEquals(Optional.of("http://other:3128"), form("", "", false, "http://other:3128", "", "", "")
                .build(view(null, "http://u:***@proxy:8080")).change().proxy_url());
        ProviderChange cleared = form("", "", false, "", "", "", "").build(view(null, "http://u:***@proxy:8080")).change();
        assertEquals(Optional.empty(), cleared.proxy_url(), "sent as null");
    }

    @Test
    void aProxyUrlChangedAroundItsMaskedPasswordIsRefusedUntilThePasswordIsRetyped() {
        ProviderForm.Built portChanged = form("", "", false, "http://u:***@proxy:3129", "", "", "")
                .build(view(null, "http://u:***@proxy:3128"));
        assertEquals(ProviderForm.RETYPE_PROXY_PASSWORD, portChanged.errors().get("proxy_url"));
        assertEquals(ProviderForm.RETYPE_PROXY_PASSWORD, form("", "", false, "***", "", "", "")
                .build(view(null, "http://u:***@proxy:3128")).errors().get("proxy_url"), "the mask of an unreadable URL");
        ProviderForm.Built retyped = form("", "", false, "http://u:pw@proxy:3129", "", "", "")
                .build(view(null, "http://u:***@proxy:3128"));
        assertTrue(retyped.errors().isEmpty());
        assertEquals(Optional.of("http://u:pw@proxy:3129"), retyped.change().proxy_url());
        assertTrue(form("", "", false, "http://u:***@proxy:3128", "", "", "").build(view(null, "http://u:***@proxy:3128"))
                .errors().isEmpty(), "as shown: kept");
        assertTrue(form("", "", false, "http://proxy:3129/a***b", "", "", "").build(view(null, null)).errors().isEmpty());
    }

    @Test
    void numbersAndPricesAreCheckedBeforeSending() {
        Map<String, String> errors = form("", "", false, "", "soon", "lots", "gpu 0.1\n = 3\ngpu-a = x").build(view(null, null))
                .errors();
        assertEquals("must be a number of seconds", errors.get("http_timeout"));
        assertEquals("the amount must be a number of US dollars", errors.get("cost_limit"));
        assertEquals("write one 'hardware = dollars per second' per line: line 1 ('gpu 0.1'), line 2 ('= 3'), line 3 ('gpu-a = x')",
                errors.get("hardware_prices"));
        Map<String, String> none = new HashMap<>();
        assertEquals(Map.of("a100", 0.0014, "h100", 0.002), ProviderForm.prices("a100 = 0.0014\n\nh100: 0.002", none));
        assertTrue(none.isEmpty());
    }

    @Test
    void anEmptyCostLimitRemovesItAndSecretsChangeOnlyWhenAsked() {
        ProviderForm.Built built = form("", "", false, "", "", "", "").build(view(null, null));
        assertEquals(Optional.empty(), built.change().cost_limit(), "sent as null");
        assertNull(built.change().api_token(), "not sent");
        assertNull(built.change().webhook_secret(), "not sent");
        ProviderForm both = new ProviderForm("", true, "", false, "", "", "", "", "", "", "", "tok", true, "", false, "", "monthly",
                "warn", "");
        assertEquals("enter a new value or tick its removal, not both", both.build(view(null, null)).errors().get("api_token"));
        ProviderForm clear = new ProviderForm("", true, "", false, "", "", "", "", "", "", "", "", true, " whsec_x ", false, "",
                "monthly", "warn", "");
        ProviderChange change = clear.build(view(null, null)).change();
        assertEquals(Optional.empty(), change.api_token(), "sent as null");
        assertEquals(Optional.of("whsec_x"), change.webhook_secret());
    }

    @Test
    void numbersAreShownWithoutNeedlessDecimals() {
        assertEquals("30", ProviderForm.number(30.0));
        assertEquals("0.0014", ProviderForm.number(0.0014));
        assertEquals("2.5", ProviderForm.number(2.5));
    }
}
