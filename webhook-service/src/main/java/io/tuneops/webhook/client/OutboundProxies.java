package io.tuneops.webhook.client;

import io.tuneops.webhook.config.OutboundConfig;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The proxy the deployment's environment gives an outbound call: HTTPS_PROXY for an https target,
 * HTTP_PROXY for an http one, none for a host that NO_PROXY names ({@link NoProxy}).
 */
@ApplicationScoped
public class OutboundProxies {

    private final Optional<String> https;
    private final Optional<String> http;
    private final NoProxy noProxy;

    @Inject
    public OutboundProxies(OutboundConfig config) {
        this(config.httpsProxy(), config.httpProxy(), config.noProxy());
    }

    OutboundProxies(Optional<String> https, Optional<String> http, Optional<String> noProxy) {
        this.https = https.filter(p -> !p.isBlank());
        this.http = http.filter(p -> !p.isBlank());
        this.noProxy = NoProxy.parse(noProxy);
    }

    /** The proxy URL for a call to {@code target}; empty for a direct call (or a URL without a scheme and host). */
    public Optional<String> proxyUrl(String target) {
        try {
            URI uri = new URI(target);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            return proxyUrl(uri.getScheme(), uri.getHost());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    public Optional<String> proxyUrl(String scheme, String host) {
        if (noProxy.bypasses(host)) {
            return Optional.empty();
        }
        return "https".equalsIgnoreCase(scheme) ? https : http;
    }

    /** The proxy for a Vert.x HTTP client, or why it cannot be used (a proxy that is not an http:// one). */
    public Optional<ProxyOptions> vertxProxy(String scheme, String host) {
        return proxyUrl(scheme, host).map(OutboundProxies::options);
    }

    /** An http:// proxy URL (a bare host:port is taken as one) as Vert.x proxy options, with its user and password. */
    static ProxyOptions options(String proxyUrl) {
        URI uri;
        try {
            uri = new URI(proxyUrl.contains("://") ? proxyUrl : "http://" + proxyUrl);
        } catch (URISyntaxException e) {
            throw new UnusableProxy("the proxy setting is not a URL");
        }
        if (!"http".equals(uri.getScheme().toLowerCase(Locale.ROOT)) || uri.getHost() == null) {
            throw new UnusableProxy("the proxy must be an http:// URL with a host, not a " + uri.getScheme() + " one");
        }
        ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(uri.getHost())
                .setPort(uri.getPort() > 0 ? uri.getPort() : 80);
        if (uri.getRawUserInfo() != null) {
            String[] user = uri.getUserInfo().split(":", 2);
            options.setUsername(user[0]).setPassword(user.length > 1 ? user[1] : "");
        }
        return options;
    }

    /** A proxy setting that cannot be used; its message never repeats the setting (it may hold a password). */
    public static final class UnusableProxy extends RuntimeException {
        UnusableProxy(String message) {
            super(message, null, false, false);
        }
    }
}
