package io.tuneops.webhook.client;

import io.vertx.core.net.ProxyOptions;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NO_PROXY as curl and Python's clients read it, and the proxy URLs a Vert.x client can use. */
class NoProxyTest {

    private static NoProxy of(String value) {
        return NoProxy.parse(Optional.of(value));
    }

    @Test
    void aNameCoversItselfAndItsSubdomainsWhateverItsLeadingDotOrStar() {
        for (String entry : new String[]{"example.com", ".example.com", "*.example.com", " EXAMPLE.com:8443 ", "example.com."}) {
            NoProxy noProxy = of("other.org," + entry);
            assertTrue(noProxy.bypasses("example.com"), entry);
            assertTrue(noProxy.bypasses("hooks.Example.com"), entry);
            assertTrue(noProxy.bypasses("a.b.example.com."), entry);
            assertFalse(noProxy.bypasses("badexample.com"), entry);
            assertFalse(noProxy.bypasses("example.com.evil.net"), entry);
        }
    }

    @Test
    void addressesAndBlocksCoverAddressesOnly() {
        NoProxy noProxy = of("10.0.0.0/8, 192.168.1.7, [fd00::]/8, [::1]:8080");
        assertTrue(noProxy.bypasses("10.200.3.4"));
        assertFalse(noProxy.bypasses("11.0.0.1"));
        assertTrue(noProxy.bypasses("192.168.1.7"));
        assertFalse(noProxy.bypasses("192.168.1.8"));
        assertTrue(noProxy.bypasses("[fd12::1]"));
        assertTrue(noProxy.bypasses("::1"));
        assertFalse(noProxy.bypasses("fe80::1"));
        // a name is never looked up to match a block
        assertFalse(noProxy.bypasses("ten.example.com"));
    }

    @Test
    void aStarCoversEveryHostAndNothingCoversNone() {
        assertTrue(of("*").bypasses("api.replicate.com"));
        assertFalse(NoProxy.parse(Optional.empty()).bypasses("localhost"));
        assertFalse(of(" , ").bypasses("localhost"));
        // entries that are not hosts, addresses or blocks match nothing and break nothing (and are
        // never looked up: 1.2.3.4.5 is no address)
        NoProxy odd = of("10.0.0.0/99,not a host,/8,1.2.3.4.5/8,example.com");
        assertFalse(odd.bypasses("10.1.1.1"));
        assertTrue(odd.bypasses("example.com"));
    }

    @Test
    void aTargetGetsTheProxyOfItsSchemeUnlessNoProxyNamesIt() {
        OutboundProxies proxies = new OutboundProxies(Optional.of("http://tls-proxy:3128"), Optional.of("http://plain-proxy:8080"),
                Optional.of(".internal.example,10.0.0.0/8"));
        assertEquals(Optional.of("http://tls-proxy:3128"), proxies.proxyUrl("https://api.replicate.com"));
        assertEquals(Optional.of("http://plain-proxy:8080"), proxies.proxyUrl("http://hooks.example.com:8080/x"));
        assertEquals(Optional.empty(), proxies.proxyUrl("https://chat.internal.example/hooks/1"));
        assertEquals(Optional.empty(), proxies.proxyUrl("http://10.1.2.3:9000/"));
        // a provider without an API URL (the generic one) and a broken URL get no proxy
        assertEquals(Optional.empty(), proxies.proxyUrl(""));
        assertEquals(Optional.empty(), proxies.proxyUrl("http://bad host/"));
        assertEquals(Optional.empty(), new OutboundProxies(Optional.of(" "), Optional.empty(), Optional.empty())
                .proxyUrl("https://api.replicate.com"));
    }

    @Test
    void anHttpProxyUrlGivesItsHostPortAndCredentials() {
        ProxyOptions options = OutboundProxies.options("http://svc-user:p%40ss:word@proxy.corp.example:3128");
        assertEquals("proxy.corp.example", options.getHost());
        assertEquals(3128, options.getPort());
        assertEquals("svc-user", options.getUsername());
        assertEquals("p@ss:word", options.getPassword());

        ProxyOptions bare = OutboundProxies.options("proxy.corp.example:8080");
        assertEquals("proxy.corp.example", bare.getHost());
        assertEquals(8080, bare.getPort());
        assertEquals(80, OutboundProxies.options("http://proxy.corp.example").getPort());

        OutboundProxies.UnusableProxy refused = assertThrows(OutboundProxies.UnusableProxy.class,
                () -> OutboundProxies.options("socks5://user:secret@proxy.corp.example:1080"));
        assertFalse(refused.getMessage().contains("secret"), refused.getMessage());
    }
}
