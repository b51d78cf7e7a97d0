package io.tuneops.gateway.net;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientIpResolverTest {

    private final ClientIpResolver resolver = new ClientIpResolver(IpRanges.parse(List.of("10.0.0.0/8", "fd00::/8")));

    private String resolve(String peer, String xff, String realIp) {
        return resolver.resolve(peer, xff == null ? List.of() : List.of(xff), realIp).toCanonicalString();
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        assertEquals("203.0.113.7", resolve("203.0.113.7", "127.0.0.1", "127.0.0.1"));
        assertEquals("2001:db8::7", resolve("2001:db8::7", "::1", null));
    }

    @Test
    void aTrustedChainIsWalkedFromTheRight() {
        assertEquals("198.51.100.4", resolve("10.0.0.2", "198.51.100.4, 10.1.1.1", null));
        // the left-most entry is whatever the client wrote: never believed past an untrusted hop
        assertEquals("198.51.100.4", resolve("10.0.0.2", "127.0.0.1, 198.51.100.4, 10.1.1.1", null));
        assertEquals("198.51.100.4", resolve("10.0.0.2", List.of("127.0.0.1", "198.51.100.4").toString()
                .replace("[", "").replace("]", ""), null));
    }

    @Test
    void severalHeadersAndPortsAndIpv6() {
        assertEquals("198.51.100.4", resolver.resolve("10.0.0.2", List.of("198.51.100.4:5555", "10.9.9.9"), null)
                .toCanonicalString());
        assertEquals("2001:db8::1", resolve("fd00::1", "[2001:db8::1]:443, fd00::2", null));
        assertEquals("198.51.100.9", resolve("::ffff:10.0.0.2", "198.51.100.9", null));
    }

    @Test
    void realIpOnlyFromATrustedPeerWithoutForwardedFor() {
        assertEquals("198.51.100.5", resolve("10.0.0.2", null, "198.51.100.5"));
        assertEquals("203.0.113.1", resolve("203.0.113.1", null, "198.51.100.5"));
        assertEquals("10.0.0.2", resolve("10.0.0.2", null, "not-an-ip"));
    }

    @Test
    void garbageStopsTheWalkAtTheLastTrustedHop() {
        assertEquals("10.1.1.1", resolve("10.0.0.2", "evil<script>, 10.1.1.1", null));
        assertEquals("10.0.0.3", resolve("10.0.0.2", "10.0.0.3", null)); // all ours: the left-most
    }

    @Test
    void ipRangesAcceptTheGuidesFormsAndNameABadEntry() {
        IpRanges ranges = IpRanges.parse(List.of("1.2.3.4/32", "10.0.0.0/8", "192.168.1.0/24", "5.6.7.8", "2001:db8::/32", "::1/128"));
        assertTrue(ranges.contains(IpRanges.parseAddress("1.2.3.4").orElseThrow()));
        assertFalse(ranges.contains(IpRanges.parseAddress("1.2.3.5").orElseThrow()));
        assertTrue(ranges.contains(IpRanges.parseAddress("10.200.1.1").orElseThrow()));
        assertTrue(ranges.contains(IpRanges.parseAddress("5.6.7.8").orElseThrow()));
        assertTrue(ranges.contains(IpRanges.parseAddress("2001:db8:ffff::1").orElseThrow()));
        assertTrue(ranges.contains(IpRanges.parseAddress("::1").orElseThrow()));
        assertFalse(ranges.contains(IpRanges.parseAddress("2001:db9::1").orElseThrow()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpRanges.parse(List.of("10.0.0.0/8", "10.0.0.0/33")));
        assertEquals("'10.0.0.0/33' is not an IP address or CIDR block", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpRanges.parse(List.of("example.com")));
        assertThrows(IllegalArgumentException.class, () -> IpRanges.parse(List.of("")));
    }
}
