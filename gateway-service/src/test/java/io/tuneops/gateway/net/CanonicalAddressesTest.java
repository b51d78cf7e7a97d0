package io.tuneops.gateway.net;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only the standard text forms of addresses are read: the forms inet_aton also reads (octal, hex,
 * short, leading zeros) mean 127.0.0.1 to one parser and a hostname or nothing to another.
 */
class CanonicalAddressesTest {

    private static final List<String> NOT_STANDARD = List.of(
            "0177.0.0.1", "0x7f.0.0.1", "0x7f.1", "127.1", "127.0.1", "2130706433", "127.0.0.01", "010.0.0.0/8",
            "10.0.0.0/08", "2001:db8::/032", "10.0.0.*", "10.0.0.0-255", "10.0.0.0/255.0.0.0", "fe80::1%eth0",
            "::ffff:0177.0.0.1", "/8", "", "*", "1.2.3.4/33", "example.com");

    @Test
    void nonStandardFormsAreRefusedAsEntriesAndAsAddresses() {
        for (String text : NOT_STANDARD) {
            assertTrue(IpRanges.parseBlock(text).isEmpty(), text + " read as a block");
            assertTrue(IpRanges.parseAddress(text).isEmpty(), text + " read as an address");
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> IpRanges.parse(List.of("10.0.0.0/8", text)), text);
            assertTrue(refused.getMessage().contains("'" + text + "'"), refused.getMessage());
        }
    }

    @Test
    void standardFormsAreReadAndShownCanonically() {
        assertEquals("10.0.0.0/8", IpRanges.parseBlock("10.0.0.0/8").orElseThrow().toCanonicalString());
        assertEquals("10.0.0.0/8", IpRanges.parseBlock("10.1.2.3/8").orElseThrow().toCanonicalString());
        assertEquals("0.0.0.0/0", IpRanges.parseBlock("0.0.0.0/0").orElseThrow().toCanonicalString());
        assertEquals("192.168.1.7", IpRanges.parseAddress("192.168.1.7").orElseThrow().toCanonicalString());
        // RFC 5952 on output whatever RFC 4291 form came in
        assertEquals("2001:db8::1", IpRanges.parseAddress("2001:0DB8:0:0:0:0:0:1").orElseThrow().toCanonicalString());
        assertEquals("2001:db8::/32", IpRanges.parseBlock("2001:DB8::/32").orElseThrow().toCanonicalString());
        assertEquals("2001:db8:0:1:1:1:1:1", IpRanges.parseAddress("2001:db8::1:1:1:1:1").orElseThrow().toCanonicalString());
        assertEquals("10.1.2.3", IpRanges.parseAddress("::ffff:10.1.2.3").orElseThrow().toCanonicalString());
        assertEquals("10.1.2.3", IpRanges.parseAddress("[::ffff:10.1.2.3]").orElseThrow().toCanonicalString());
    }

    @Test
    void aTcpPeerIsReadAsTheOperatingSystemWritesIt() {
        assertEquals("::1", IpRanges.parsePeer("0:0:0:0:0:0:0:1").orElseThrow().toCanonicalString());
        assertTrue(IpRanges.parsePeer("fe80:0:0:0:0:0:0:1%2").isPresent());
    }

    @Test
    void aNonStandardForwardedForEntryStopsTheWalkAsDocumented() {
        // X-Forwarded-For: "0177.0.0.1" must not pass for 127.0.0.1 (a trusted proxy, or localhost)
        ClientIpResolver resolver = new ClientIpResolver(IpRanges.parse(List.of("10.0.0.0/8", "127.0.0.1")));
        assertEquals("10.0.0.2", resolver.resolve("10.0.0.2", List.of("0177.0.0.1"), null).toCanonicalString());
        assertEquals("10.1.1.1", resolver.resolve("10.0.0.2", List.of("198.51.100.4, 127.1, 10.1.1.1"), null)
                .toCanonicalString());
        assertEquals("10.0.0.2", resolver.resolve("10.0.0.2", List.of(), "0x7f.1").toCanonicalString());
    }
}
