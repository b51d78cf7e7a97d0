package io.tuneops.gateway.webhook;

import io.vertx.core.http.HttpMethod;

/**
 * The providers' receivers, {@code POST /api/webhooks/{provider}} (one segment): the only routes
 * under /api/webhooks that providers call. Everything else there manages the event webhooks
 * tuneops itself sends, with an admin key; the allowlists, the webhook body limit and the
 * per-provider rate limit are the receivers' alone.
 */
public final class ProviderReceivers {

    /** The receivers as a Vert.x route regex; its one group is the provider. */
    public static final String ROUTE_REGEX = "/api/webhooks/([^/]+)";
    private static final String PREFIX = "/api/webhooks/";

    private ProviderReceivers() {
    }

    /** The provider a request delivers to, or null when it is not a delivery to a receiver. */
    public static String provider(HttpMethod method, String path) {
        if (!HttpMethod.POST.equals(method) || !path.startsWith(PREFIX) || path.length() == PREFIX.length()
                || path.indexOf('/', PREFIX.length()) >= 0) {
            return null;
        }
        return path.substring(PREFIX.length());
    }
}
