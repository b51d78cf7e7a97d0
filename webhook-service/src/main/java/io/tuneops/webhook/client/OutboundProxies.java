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
    /** The two settings as Vert.x options, parsed once: each holds the options or why they cannot be used. */
    private final Optional<VertxProxy> httpsOptions;
    private final Optional<VertxProxy> httpOptions;

    private record VertxProxy(ProxyOptions options, UnusableProxy problem) {
        static VertxProxy of(String proxyUrl) {
            try {
                return new VertxProxy(OutboundProxies.options(proxyUrl), null);
            } catch (UnusableProxy e) {
                return new VertxProxy(null, e);
            }
        }

        ProxyOptions orThrow() {
            if (problem != null) {
                throw problem;
            }
            return options;
        }
    }

    @Inject
    public OutboundProxies(OutboundConfig config) {
        this(config.httpsProxy(), config.httpProxy(), config.noProxy());
    }

    OutboundProxies(Optional<String> https, Optional<String> http, Optional<String> noProxy) {
        this.https = https.filter(p -> !p.isBlank());
        this.http = http.filter(p -> !p.isBlank());
        this.noProxy = NoProxy.parse(noProxy);
        this.httpsOptions = this.https.map(VertxProxy::of);
        this.httpOptions = this.http.map(VertxProxy::of);
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
        return forTarget(scheme, host, https, http);
    }

    /** The proxy for a Vert.x HTTP client, or why it cannot be used (a proxy that is not an http:// one). */
    public Optional<ProxyOptions> vertxProxy(String scheme, String host) {
        return forTarget(scheme, host, httpsOptions, httpOptions).map(VertxProxy::orThrow);
    }

    /** The setting that applies to a call to {@code host} over {@code scheme}: none when NO_PROXY names the host. */
    private <T> Optional<T> forTarget(String scheme, String host, Optional<T> forHttps, Optional<T> forHttp) {
        if (noProxy.bypasses(host)) {
            return Optional.empty();
        }
        return "https".equalsIgnoreCase(scheme) ? forHttps : forHttp;
    }

    /** A proxy URL's parts; a bare {@code host:port} is taken as {@code http://host:port}. */
    public record ProxyAddress(String scheme, String host, int port, Optional<String> user, String password) {

        public static ProxyAddress parse(String proxyUrl) {
            URI uri;
            try {
                uri = new URI(proxyUrl.contains("://") ? proxyUrl : "http://" + proxyUrl);
            } catch (URISyntaxException e) {
                throw new UnusableProxy("the proxy setting is not a URL");
            }
            if (uri.getHost() == null) {
                throw new UnusableProxy("the proxy setting names no host");
            }
            String[] user = uri.getRawUserInfo() == null ? null : uri.getUserInfo().split(":", 2);
            return new ProxyAddress(uri.getScheme().toLowerCase(Locale.ROOT), uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 80,
                    Optional.ofNullable(user == null ? null : user[0]), user == null || user.length < 2 ? "" : user[1]);
        }
    }

    /** An http:// proxy URL as Vert.x proxy options, with its user and password. */
    static ProxyOptions options(String proxyUrl) {
        ProxyAddress address = ProxyAddress.parse(proxyUrl);
        if (!"http".equals(address.scheme())) {
            throw new UnusableProxy("the proxy must be an http:// URL with a host, not a " + address.scheme() + " one");
        }
        ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(address.host()).setPort(address.port());
        address.user().ifPresent(user -> options.setUsername(user).setPassword(address.password()));
        return options;
    }

    /** A proxy setting that cannot be used; its message never repeats the setting (it may hold a password). */
    public static final class UnusableProxy extends RuntimeException {
        UnusableProxy(String message) {
            super(message, null, false, false);
        }
    }
}
