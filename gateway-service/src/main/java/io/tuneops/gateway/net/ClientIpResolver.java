package io.tuneops.gateway.net;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import inet.ipaddr.IPAddress;
import io.tuneops.gateway.config.ClientIpConfig;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the client address of a request. The TCP peer is the client unless it is a trusted
 * proxy; only then is X-Forwarded-For believed, walked right to left (each proxy appends the
 * address it saw), skipping trusted hops: the first untrusted address is the client. Without
 * X-Forwarded-For, a trusted proxy's X-Real-IP is used. A client cannot make itself look like
 * 127.0.0.1 by sending a header.
 */
@ApplicationScoped
public class ClientIpResolver {

    private static final int MAX_HOPS = 32;

    private static final IPAddress UNKNOWN = IpRanges.parseAddress("0.0.0.0").orElseThrow();

    private final IpRanges trustedProxies;
    /**
     * Peers repeat (keep-alive connections, an ingress's few pods), and parsing the peer's address
     * is the costliest step of the resolution: each text is parsed once.
     */
    private final Cache<String, IPAddress> peers = Caffeine.newBuilder().maximumSize(4096).build();

    @Inject
    public ClientIpResolver(ClientIpConfig config) {
        this(IpRanges.parse(config.trustedProxies().orElse(List.of())));
    }

    ClientIpResolver(IpRanges trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public IPAddress resolve(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return resolve(remote == null ? null : remote.hostAddress(),
                request.headers().getAll("X-Forwarded-For"), request.getHeader("X-Real-IP"));
    }

    /** Whether the request's TCP peer is one of the trusted proxies, whose forwarding headers are believed. */
    public boolean fromTrustedProxy(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        return !trustedProxies.isEmpty() && remote != null && trustedProxies.contains(peer(remote.hostAddress()));
    }

    private IPAddress peer(String peerText) {
        return peerText == null ? UNKNOWN : peers.get(peerText, text -> IpRanges.parsePeer(text).orElse(UNKNOWN));
    }

    IPAddress resolve(String peerText, List<String> forwardedFor, String realIp) {
        IPAddress peer = peer(peerText);
        if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        List<String> hops = hops(forwardedFor);
        if (hops.isEmpty()) {
            return IpRanges.parseAddress(realIp).orElse(peer);
        }
        IPAddress nearest = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<IPAddress> hop = IpRanges.parseAddress(hops.get(i));
            if (hop.isEmpty()) {
                // garbage left of a trusted hop: nothing further left can be believed either
                return nearest;
            }
            if (!trustedProxies.contains(hop.get())) {
                return hop.get();
            }
            nearest = hop.get();
        }
        return nearest; // every hop was one of our proxies
    }

    private static List<String> hops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String part : header.split(",")) {
                String hop = part.trim();
                if (!hop.isEmpty()) {
                    hops.add(stripPort(hop));
                }
            }
        }
        // a header that long was not written by proxies; keep the trustworthy right end
        return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
    }

    /** Some proxies append "1.2.3.4:5678" or "[2001:db8::1]:443". */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end > 0 ? hop.substring(1, end) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':')) {
            return hop.substring(0, colon);
        }
        return hop;
    }

}
