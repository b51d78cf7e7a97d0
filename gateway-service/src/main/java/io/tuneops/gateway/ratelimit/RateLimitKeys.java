package io.tuneops.gateway.ratelimit;

import inet.ipaddr.IPAddress;
import io.tuneops.gateway.config.RateLimitConfig;
import io.tuneops.gateway.webhook.ProviderReceivers;
import io.tuneops.gateway.webhook.WebhookAllowlists;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a rule counts requests against. By default the client address, as the guide documents. Two
 * exceptions keep the documented limits from breaking the product's main job:
 * <ul>
 *   <li>storage requests signed with an upload credential are counted per credential, at
 *   TUNEOPS_RATE_LIMIT_STORAGE_CREDENTIAL_CALLS (a 10 GiB multipart upload is ~1,300 requests);</li>
 *   <li>deliveries to a provider's receiver from inside its allowlist are counted per provider, at
 *   TUNEOPS_RATE_LIMIT_WEBHOOK_PROVIDER_CALLS (one provider delivers for many jobs from few addresses).</li>
 * </ul>
 */
@ApplicationScoped
public class RateLimitKeys {

    // SigV4: "Credential=AKID/date/region/s3/aws4_request" in the header, X-Amz-Credential=AKID%2F... in presigned URLs;
    private static final Pattern HEADER_CREDENTIAL = Pattern.compile("Credential=([A-Za-z0-9_-]{8,128})/");
    private static final Pattern QUERY_CREDENTIAL = Pattern.compile("(?:^|&)X-Amz-Credential=([A-Za-z0-9_-]{8,128})(?:%2F|/)",
            Pattern.CASE_INSENSITIVE);
    // SigV2 presigned URLs (boto3's and aws-cli's default presign): AWSAccessKeyId=AKID&Expires=...&Signature=...
    private static final Pattern QUERY_ACCESS_KEY = Pattern.compile("(?:^|&)AWSAccessKeyId=([A-Za-z0-9_-]{8,128})(?:&|$)");
    private static final Pattern PROVIDER_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Who a request counts against; {@code credential} is the upload credential's key id when it counts per credential. */
    public record Subject(RateLimitRule rule, String id, String actor, String credential) {
    }

    private final WebhookAllowlists allowlists;
    private final int storageCredentialCalls;
    private final int webhookProviderCalls;

    public RateLimitKeys(WebhookAllowlists allowlists, RateLimitConfig config) {
        this.allowlists = allowlists;
        this.storageCredentialCalls = config.storageCredentialCalls();
        this.webhookProviderCalls = config.webhookProviderCalls();
    }

    public Subject subject(RateLimitRule rule, HttpServerRequest request, String path, IPAddress client) {
        if (RateLimitRules.STORAGE.equals(rule.name())) {
            String credential = credential(request);
            if (credential != null) {
                return new Subject(rule.withCalls("-credential", storageCredentialCalls), "cred:" + credential,
                        "upload-credential:" + credential, credential);
            }
        } else if (RateLimitRules.WEBHOOKS.equals(rule.name())) {
            String provider = ProviderReceivers.provider(request.method(), path);
            if (provider != null && PROVIDER_NAME.matcher(provider).matches() && allowlists.admitsListed(provider, client)) {
                return new Subject(rule.withCalls("-provider", webhookProviderCalls), "provider:" + provider,
                        "provider:" + provider, null);
            }
        }
        return anonymous(rule, client);
    }

    /** The client address's own count under {@code rule}: anyone's, signed or not. */
    public Subject anonymous(RateLimitRule rule, IPAddress client) {
        return new Subject(rule, "ip:" + client.toCanonicalString(), "anonymous", null);
    }

    static String credential(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.startsWith("AWS4-HMAC-SHA256")) {
            Matcher m = HEADER_CREDENTIAL.matcher(authorization);
            return m.find() ? m.group(1) : null;
        }
        String query = request.query();
        if (query != null) {
            Matcher m = QUERY_CREDENTIAL.matcher(query);
            if (m.find()) {
                return m.group(1);
            }
            Matcher v2 = QUERY_ACCESS_KEY.matcher(query);
            return v2.find() ? v2.group(1) : null;
        }
        return null;
    }
}
