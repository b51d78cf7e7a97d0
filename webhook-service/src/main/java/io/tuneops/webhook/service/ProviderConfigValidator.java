package io.tuneops.webhook.service;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv6.IPv6Address;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Checks a provider configuration change field by field: every problem is reported with the field
 * (and entry) it concerns, and nothing is stored unless all of it is valid. Unknown fields are
 * refused by name, so that a misspelt field is reported, not lost.
 */
public final class ProviderConfigValidator {

    public record Result(JsonObject accepted, List<FieldError> errors) {
    }

    private static final Map<String, BiFunction<String, Object, Object>> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("webhook_allowed_ips", ProviderConfigValidator::allowlist);
        FIELDS.put("webhook_require_signature", ProviderConfigValidator::bool);
        FIELDS.put("ssl_verify", ProviderConfigValidator::bool);
        FIELDS.put("ssl_ca_bundle", ProviderConfigValidator::path);
        FIELDS.put("proxy_url", ProviderConfigValidator::httpUrl);
        FIELDS.put("http_timeout", ProviderConfigValidator::timeout);
        FIELDS.put("api_base_url", ProviderConfigValidator::httpUrl);
        FIELDS.put("s3_endpoint_enabled", ProviderConfigValidator::endpointEnabled);
        FIELDS.put("s3_public_url", ProviderConfigValidator::httpUrl);
        FIELDS.put("s3_output_path", ProviderConfigValidator::path);
        FIELDS.put("webhook_secret", ProviderConfigValidator::webhookSecret);
        FIELDS.put("api_token", ProviderConfigValidator::apiToken);
        FIELDS.put("cost_limit", ProviderConfigValidator::costLimit);
        FIELDS.put("hardware_prices", ProviderConfigValidator::hardwarePrices);
    }

    /** Write-only fields: stored encrypted, never returned (the view says only whether they are set). */
    public static final List<String> SECRET_FIELDS = List.of("webhook_secret", "api_token");

    private ProviderConfigValidator() {
    }

    public static List<String> supportedFields() {
        return List.copyOf(FIELDS.keySet());
    }

    public static Result validate(JsonObject change) {
        JsonObject accepted = new JsonObject();
        List<FieldError> errors = new ArrayList<>();
        for (String field : change.fieldNames()) {
            BiFunction<String, Object, Object> check = FIELDS.get(field);
            if (check == null) {
                errors.add(new FieldError(field, "not a configurable field; supported: "
                        + String.join(", ", FIELDS.keySet())));
                continue;
            }
            try {
                accepted.put(field, check.apply(field, change.getValue(field)));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError(field, e.getMessage()));
            }
        }
        return new Result(accepted, errors);
    }

    /** The guide's table: null or [] means every address is accepted. */
    private static Object allowlist(String field, Object value) {
        if (value == null) {
            return new JsonArray();
        }
        if (!(value instanceof JsonArray entries)) {
            throw new IllegalArgumentException("must be a list of IP addresses or CIDR blocks");
        }
        if (entries.size() > 1000) {
            throw new IllegalArgumentException("at most 1000 entries");
        }
        JsonArray clean = new JsonArray();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.getValue(i);
            String text = entry instanceof String s ? s.trim() : null;
            try {
                clean.add(canonicalBlock(text));
            } catch (IllegalArgumentException e) {
                bad.add("[" + i + "] '" + entry + "'" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("not IP addresses or CIDR blocks in canonical form (e.g. 10.0.0.0/8, "
                    + "1.2.3.4/32, 2001:db8::/32): " + String.join(", ", bad));
        }
        return clean;
    }

    /**
     * Only unambiguous forms: dotted-quad IPv4 without leading zeros (no inet_aton octal, hex or
     * shortened forms, which other parsers read as other addresses: 0177.0.0.1 and 127.1 are
     * 127.0.0.1 to inet_aton), prefix lengths without leading zeros, IPv6 in any RFC 4291 form; no
     * zones, wildcards or ranges.
     */
    private static final IPAddressStringParameters CANONICAL = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowPrefixOnly(false).allowMask(false)
            .allow_inet_aton(false).setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowPrefixLengthLeadingZeros(false)
            .allowPrefixesBeyondAddressSize(false).allowWildcardedSeparator(false).allowBinary(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowPrefixLengthLeadingZeros(false).allowPrefixesBeyondAddressSize(false)
            .allowWildcardedSeparator(false).allowZone(false).allowBinary(false).getParentBuilder()
            .toParams();

    /**
     * The same for a "/0" block: the library takes the prefix length 0 itself for a leading zero
     * when leading zeros are refused.
     */
    private static final IPAddressStringParameters CANONICAL_ZERO_PREFIX = CANONICAL.toBuilder()
            .getIPv4AddressParametersBuilder().allowPrefixLengthLeadingZeros(true).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowPrefixLengthLeadingZeros(true).getParentBuilder()
            .toParams();

    /**
     * The entry as it is stored and shown: IPv4 as written, IPv6 in RFC 5952 form (2001:DB8:0::/32
     * becomes 2001:db8::/32, ::ffff:a00:1 becomes ::ffff:10.0.0.1).
     *
     * @throws IllegalArgumentException saying what is wrong with the entry (null message: not text)
     */
    static String canonicalBlock(String text) {
        if (text == null) {
            throw new IllegalArgumentException((String) null);
        }
        if (text.isEmpty() || text.length() > 64) {
            throw new IllegalArgumentException("empty or longer than 64 characters");
        }
        IPAddress address;
        try {
            address = new IPAddressString(text, text.endsWith("/0") ? CANONICAL_ZERO_PREFIX : CANONICAL).toAddress();
        } catch (AddressStringException e) {
            throw new IllegalArgumentException(new IPAddressString(text).isIPAddress()
                    ? "ambiguous form: write IPv4 as four decimal numbers without leading zeros, prefix lengths without leading zeros"
                    : "not an IP address or CIDR block");
        }
        if (address.isPrefixed() && !address.isPrefixBlock()) {
            throw new IllegalArgumentException("host bits set: the block is " + address.toPrefixBlock().toCanonicalString());
        }
        // RFC 5952 section 5: an IPv4-mapped address keeps its IPv4 part dotted
        return address instanceof IPv6Address v6 && v6.isIPv4Mapped() ? v6.toMixedString() : address.toCanonicalString();
    }

    /** null removes the setting: the provider goes back to its default (SIMPLETUNER_SSL_VERIFY, ...). */
    private static Object bool(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Boolean)) {
            throw new IllegalArgumentException("must be true or false");
        }
        return value;
    }

    /**
     * The S3 endpoint serves every provider's jobs from one storage-service: it is switched for the
     * whole suite (TUNEOPS_STORAGE_ENABLED), so turning it off for one provider is refused rather
     * than stored and ignored.
     */
    private static Object endpointEnabled(String field, Object value) {
        if (Boolean.FALSE.equals(value)) {
            throw new IllegalArgumentException("the S3 endpoint cannot be turned off for one provider: it is switched for"
                    + " every provider by TUNEOPS_STORAGE_ENABLED on storage-service");
        }
        return bool(field, value);
    }

    /** null removes the setting: the provider goes back to SIMPLETUNER_HTTP_TIMEOUT. */
    private static Object timeout(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() > 3600) {
            throw new IllegalArgumentException("must be a number of seconds greater than 0 and at most 3600");
        }
        return n.doubleValue();
    }

    private static Object httpUrl(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.length() > 2048) {
            throw new IllegalArgumentException("must be an http:// or https:// URL");
        }
        try {
            URI uri = URI.create(s.trim());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an http:// or https:// URL");
            }
            return s.trim();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be an http:// or https:// URL");
        }
    }

    private static Object path(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > 4096 || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("must be a file system path");
        }
        return s;
    }

    /** Standard Webhooks secrets: whsec_ followed by base64 of 24 to 64 random bytes. null removes it. */
    private static Object webhookSecret(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || !s.startsWith("whsec_")) {
            throw new IllegalArgumentException("must be a Standard Webhooks secret 'whsec_<base64>'");
        }
        if (!isWebhookSecret(s)) {
            throw new IllegalArgumentException("must be a Standard Webhooks secret 'whsec_<base64>' of 24 to 64 bytes");
        }
        return s;
    }

    /** The rule for webhook_secret, shared with the configured defaults (tuneops.webhooks.secrets.*). */
    public static boolean isWebhookSecret(String s) {
        if (!s.startsWith("whsec_")) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(s.substring("whsec_".length())).length;
            return length >= 24 && length <= 64;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Object apiToken(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank() || s.length() > 512 || !s.chars().allMatch(c -> c > 32 && c < 127)) {
            throw new IllegalArgumentException("must be the provider's API token (printable, no spaces, at most 512 characters)");
        }
        return s;
    }

    /** {"amount": 100.0, "period": "daily|weekly|monthly", "action": "warn|block"}; null removes the limit. */
    private static Object costLimit(String field, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject limit)) {
            throw new IllegalArgumentException("must be an object {amount, period, action}");
        }
        List<String> problems = new ArrayList<>();
        Object amount = limit.getValue("amount");
        if (!(amount instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() > 1e9) {
            problems.add("amount must be a number of US dollars greater than 0 and at most 1000000000");
        }
        String period = limit.getValue("period", "monthly") instanceof String p ? p : "";
        if (!List.of("daily", "weekly", "monthly").contains(period)) {
            problems.add("period must be daily, weekly or monthly");
        }
        String action = limit.getValue("action", "warn") instanceof String a ? a : "";
        if (!List.of("warn", "block").contains(action)) {
            problems.add("action must be warn or block");
        }
        for (String key : limit.fieldNames()) {
            if (!List.of("amount", "period", "action").contains(key)) {
                problems.add("unknown key '" + key + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new JsonObject().put("amount", ((Number) amount).doubleValue()).put("period", period).put("action", action);
    }

    /** {"gpu-a100-large": 0.0014, ...}: US dollars per second of run time on that hardware. */
    private static Object hardwarePrices(String field, Object value) {
        if (value == null) {
            return new JsonObject();
        }
        if (!(value instanceof JsonObject prices) || prices.size() > 200) {
            throw new IllegalArgumentException("must be an object mapping hardware names to US dollars per second");
        }
        List<String> bad = new ArrayList<>();
        JsonObject clean = new JsonObject();
        for (String hardware : prices.fieldNames()) {
            Object price = prices.getValue(hardware);
            if (hardware.isBlank() || hardware.length() > 128 || !(price instanceof Number n)
                    || n.doubleValue() < 0 || n.doubleValue() > 1000) {
                bad.add("'" + (hardware.length() > 128 ? hardware.substring(0, 128) : hardware) + "'");
            } else {
                clean.put(hardware, n.doubleValue());
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("prices must be numbers from 0 to 1000 US dollars per second: " + String.join(", ", bad));
        }
        return clean;
    }
}
