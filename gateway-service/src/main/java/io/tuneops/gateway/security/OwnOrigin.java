package io.tuneops.gateway.security;

import io.tuneops.gateway.config.ConsoleConfig;
import io.tuneops.gateway.net.ClientIpResolver;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.Locale;

/**
 * The gateway's own origin, which the console's pages and the API share. A request's
 * {@code Origin} is the gateway's own when it names the site the request was sent to (its Host,
 * over https when TLS ended here or a trusted proxy says so in X-Forwarded-Proto) or the
 * configured public URL. A browser always sends the origin of the page that made the request, so
 * another site cannot pass for this one.
 */
@ApplicationScoped
public class OwnOrigin {

    private final ClientIpResolver clientIps;
    private final String publicOrigin;
    private final boolean publicHttps;

    public OwnOrigin(ClientIpResolver clientIps, ConsoleConfig config) {
        this.clientIps = clientIps;
        this.publicOrigin = config.publicUrl().map(OwnOrigin::normalize).orElse(null);
        this.publicHttps = publicOrigin != null && publicOrigin.startsWith("https:");
    }

    /** Whether the browser reached the gateway over HTTPS: TLS here, or a trusted proxy's X-Forwarded-Proto. */
    public boolean viaHttps(HttpServerRequest request) {
        if (request.isSSL()) {
            return true;
        }
        String forwarded = request.getHeader("X-Forwarded-Proto");
        if (forwarded == null || !clientIps.fromTrustedProxy(request)) {
            return false;
        }
        int comma = forwarded.indexOf(',');  // the first proxy's view: the one the browser talked to
        return "https".equalsIgnoreCase((comma < 0 ? forwarded : forwarded.substring(0, comma)).trim());
    }

    /** Whether a session cookie handed out on this request must be Secure. */
    public boolean secureCookies(HttpServerRequest request) {
        return publicHttps || viaHttps(request);
    }

    /** Whether {@code origin}, a request's Origin header, is the gateway's own. */
    public boolean isOwn(String origin, HttpServerRequest request) {
        String presented = normalize(origin);
        if (presented == null) {
            return false;
        }
        if (presented.equals(publicOrigin)) {
            return true;
        }
        HostAndPort authority = request.authority();
        if (authority == null) {
            return false;
        }
        String host = authority.host().indexOf(':') >= 0 && !authority.host().startsWith("[")
                ? "[" + authority.host() + "]" : authority.host();
        String requested = (viaHttps(request) ? "https" : "http") + "://" + host
                + (authority.port() > 0 ? ":" + authority.port() : "");
        return presented.equals(normalize(requested));
    }

    /**
     * {@code scheme://host[:port]} in lower case without the scheme's default port, or null when
     * {@code url} is no http(s) URL ({@code Origin: null}, for one). A path is ignored, so a public
     * URL may have one.
     */
    static String normalize(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (port == 80 && scheme.equals("http")) || (port == 443 && scheme.equals("https"));
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
