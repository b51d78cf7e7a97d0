package io.tuneops.console.service;

import io.tuneops.console.client.ProvidersApi.CostLimit;
import io.tuneops.console.client.ProvidersApi.ProviderChange;
import io.tuneops.console.client.ProvidersApi.ProviderView;
import io.tuneops.console.web.Option;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Advanced Configuration form of a provider, as typed, and the API change made of it. The form
 * shows every setting, so a save sends every setting (an empty field resets it to its default),
 * except SSL verification, the HTTP timeout and the S3 endpoint switch left at "Default" (kept as
 * stored: the API has no null for them), the write-only secrets, which change only when something is typed or their removal is
 * ticked, and a proxy URL left as shown (its password masked); a proxy URL changed around its
 * masked password is refused with a request to retype the password. The allowlist is checked by the API,
 * which names each wrong entry; turning certificate verification off needs the acknowledgment.
 */
public record ProviderForm(String webhookAllowedIps, boolean webhookRequireSignature, String sslVerify,
                           boolean sslVerifyAck, String sslCaBundle, String proxyUrl, String httpTimeout,
                           String apiBaseUrl, String s3EndpointEnabled, String s3PublicUrl, String s3OutputPath,
                           String apiToken, boolean apiTokenClear, String webhookSecret, boolean webhookSecretClear,
                           String costLimitAmount, String costLimitPeriod, String costLimitAction, String hardwarePrices) {

    public static final String ACK_REQUIRED = "Turning certificate verification off lets anyone on the network path read and "
            + "change the calls to the provider. Tick the acknowledgment to confirm.";
    public static final String RETYPE_PROXY_PASSWORD = "Retype the proxy password: it is shown masked (***), and the "
            + "console cannot keep the stored one in a changed proxy URL. Or leave the URL exactly as shown to keep it.";
    /** webhook-service's mask for a proxy URL's password ({@code http://user:***@host:port}), or for a URL it could not read. */
    private static final Pattern MASKED_PROXY = Pattern.compile("\\*\\*\\*|[^:/?#]+://[^/?#@]*:\\*\\*\\*@.*");
    static final List<String> PERIODS = List.of("daily", "weekly", "monthly");
    static final List<String> ACTIONS = List.of("warn", "block");

    /** The change for the API and what is wrong, per form field; nothing is sent while errors is not empty. */
    public record Built(ProviderChange change, Map<String, String> errors) {
    }

    /** The form showing a stored configuration; secrets are never shown, only whether they are set. */
    public static ProviderForm of(ProviderView view) {
        CostLimit limit = view.cost_limit();
        return new ProviderForm(view.webhook_allowed_ips() == null ? "" : String.join("\n", view.webhook_allowed_ips()),
                view.webhook_require_signature(), tri(view.ssl_verify()), false, text(view.ssl_ca_bundle()),
                text(view.proxy_url()), view.http_timeout() == null ? "" : number(view.http_timeout()),
                text(view.api_base_url()), tri(view.s3_endpoint_enabled()), text(view.s3_public_url()),
                text(view.s3_output_path()), "", false, "", false,
                limit == null || limit.amount() == null ? "" : number(limit.amount()),
                limit == null || limit.period() == null ? "monthly" : limit.period(),
                limit == null || limit.action() == null ? "warn" : limit.action(),
                view.hardware_prices() == null ? "" : view.hardware_prices().entrySet().stream()
                        .map(e -> e.getKey() + " = " + number(e.getValue())).collect(Collectors.joining("\n")));
    }

    public Built build(ProviderView current) {
        Map<String, String> errors = new LinkedHashMap<>();
        Boolean verify = parseTri("ssl_verify", sslVerify, errors);
        if (Boolean.FALSE.equals(verify) && !Boolean.FALSE.equals(current.ssl_verify()) && !sslVerifyAck) {
            errors.put("ssl_verify", ACK_REQUIRED);
        }
        String proxy = blankToNull(proxyUrl);
        // as shown, a proxy URL with a password is masked: sending it back would store the mask
        boolean proxyAsShown = proxy != null && proxy.equals(current.proxy_url());
        if (!proxyAsShown && proxy != null && masksPassword(proxy)) {
            errors.put("proxy_url", RETYPE_PROXY_PASSWORD);
        }
        Double timeout = parseNumber("http_timeout", httpTimeout, "must be a number of seconds", errors);
        Boolean s3Enabled = parseTri("s3_endpoint_enabled", s3EndpointEnabled, errors);
        Optional<String> token = secret("api_token", apiToken, apiTokenClear, errors);
        Optional<String> signingSecret = secret("webhook_secret", webhookSecret, webhookSecretClear, errors);
        Double amount = parseNumber("cost_limit", costLimitAmount, "the amount must be a number of US dollars", errors);
        Map<String, Double> prices = prices(hardwarePrices, errors);
        ProviderChange change = new ProviderChange(Optional.of(lines(webhookAllowedIps)), Optional.of(webhookRequireSignature),
                // the API takes no null for these three: "Default" leaves the stored value as it is
                ifChosen(verify), Optional.ofNullable(blankToNull(sslCaBundle)),
                proxyAsShown ? ProviderChange.unchanged() : Optional.ofNullable(proxy), ifChosen(timeout),
                Optional.ofNullable(blankToNull(apiBaseUrl)), ifChosen(s3Enabled),
                Optional.ofNullable(blankToNull(s3PublicUrl)), Optional.ofNullable(blankToNull(s3OutputPath)),
                token, signingSecret,
                Optional.ofNullable(amount).map(a -> new CostLimit(a, costLimitPeriod, costLimitAction)),
                Optional.of(prices));
        return new Built(change, errors);
    }

    public List<Option> sslVerifyOptions() {
        return triOptions(sslVerify, "Verify certificates", "Do not verify (not recommended)");
    }

    public List<Option> s3EndpointOptions() {
        return triOptions(s3EndpointEnabled, "Enabled", "Disabled");
    }

    public List<Option> periodOptions() {
        return Option.of(PERIODS, costLimitPeriod);
    }

    public List<Option> actionOptions() {
        return Option.of(ACTIONS, costLimitAction);
    }

    /**
     * Whether a typed proxy URL still carries the mask instead of a password. The stored password
     * is write-only, so a changed URL (another port, host or user) cannot be sent with it: sent as
     * typed, the three asterisks would become the password.
     */
    static boolean masksPassword(String proxy) {
        return MASKED_PROXY.matcher(proxy).matches();
    }

    /** One entry per line; blank lines and surrounding spaces are ignored. */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                if (!line.isBlank()) {
                    out.add(line.trim());
                }
            }
        }
        return out;
    }

    /** {@code name = price} (or {@code name: price}) per line, US dollars per second. */
    static Map<String, Double> prices(String text, Map<String, String> errors) {
        Map<String, Double> prices = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        int number = 0;
        for (String line : text == null ? new String[0] : text.split("\\R")) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            int at = line.indexOf('=') >= 0 ? line.indexOf('=') : line.lastIndexOf(':');
            String name = at < 0 ? "" : line.substring(0, at).trim();
            String price = at < 0 ? "" : line.substring(at + 1).trim();
            try {
                if (name.isEmpty()) {
                    throw new NumberFormatException();
                }
                prices.put(name, Double.parseDouble(price));
            } catch (NumberFormatException e) {
                bad.add("line " + number + " ('" + line.trim() + "')");
            }
        }
        if (!bad.isEmpty()) {
            errors.put("hardware_prices", "write one 'hardware = dollars per second' per line: " + String.join(", ", bad));
        }
        return prices;
    }

    /** A write-only secret changes only when something is typed (set) or its removal is ticked (empty: removed). */
    private static Optional<String> secret(String field, String typed, boolean clear, Map<String, String> errors) {
        boolean entered = typed != null && !typed.isBlank();
        if (entered && clear) {
            errors.put(field, "enter a new value or tick its removal, not both");
            return ProviderChange.unchanged();
        }
        if (clear) {
            return Optional.empty();
        }
        return entered ? Optional.of(typed.trim()) : ProviderChange.unchanged();
    }

    private static <T> Optional<T> ifChosen(T value) {
        return value == null ? ProviderChange.unchanged() : Optional.of(value);
    }

    private static Boolean parseTri(String field, String value, Map<String, String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> {
                errors.put(field, "choose one of the options");
                yield null;
            }
        };
    }

    private static Double parseNumber(String field, String value, String message, Map<String, String> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            errors.put(field, message);
            return null;
        }
    }

    private static List<Option> triOptions(String chosen, String on, String off) {
        String value = chosen == null ? "" : chosen;
        return List.of(new Option("", "Default (from the environment)", value.isEmpty()),
                new Option("true", on, value.equals("true")), new Option("false", off, value.equals("false")));
    }

    private static String tri(Boolean value) {
        return value == null ? "" : value.toString();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** 30.0 as 30, 0.0014 as 0.0014. */
    static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
