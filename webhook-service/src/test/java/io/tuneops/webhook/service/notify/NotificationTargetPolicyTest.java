package io.tuneops.webhook.service.notify;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which addresses a notification may be sent to unless private targets are allowed. */
class NotificationTargetPolicyTest {

    private static boolean isPublic(String address) throws Exception {
        return TargetPolicy.isPublic(InetAddress.getByName(address));
    }

    @Test
    void loopbackPrivateLinkLocalAndReservedAddressesAreNotPublic() throws Exception {
        for (String address : new String[]{"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::"}) {
            assertFalse(isPublic(address), address);
        }
    }

    @Test
    void otherSpellingsOfAnIpv4AddressAreRefusedEverywhere() {
        TargetPolicy policy = new TargetPolicy(true);
        for (String host : new String[]{"0x7f000001", "127.1", "0177.0.0.1", "2130706433", "0xa9.0xfe.0xa9.0xfe", "1.2.3.4.5"}) {
            assertTrue(TargetPolicy.otherNumericForm(host), host);
            // refused as a channel's URL (java.net.URI already refuses some of them as hosts)
            assertTrue(policy.problem("http://" + host + "/hook").isPresent(), host);
            assertThrows(TargetPolicy.TargetRefused.class, () -> policy.resolveForProxy(host).await().atMost(Duration.ofSeconds(10)), host);
        }
        assertEquals(Optional.of("must name a host, or an IPv4 address as four decimal numbers"), policy.problem("http://0x7f000001/hook"));
        for (String host : new String[]{"127.0.0.1", "93.184.216.34", "0xdead.example.com", "hooks.slack.com", "1.2.3.example"}) {
            assertFalse(TargetPolicy.otherNumericForm(host), host);
        }
    }

    @Test
    void throughAProxyANameResolvedHereIsStillCheckedAndAnUnknownOneIsLeftToTheProxy() {
        TargetPolicy policy = new TargetPolicy(false);
        for (String host : new String[]{"localhost", "127.0.0.1", "[::1]", "10.1.2.3"}) {
            assertThrows(TargetPolicy.TargetRefused.class, () -> policy.resolveForProxy(host).await().atMost(Duration.ofSeconds(10)), host);
        }
        assertEquals(Optional.empty(), policy.resolveForProxy("hooks.example.invalid").await().atMost(Duration.ofSeconds(10)));
        // a direct call to a name that does not resolve is refused
        assertThrows(TargetPolicy.TargetRefused.class, () -> policy.resolve("hooks.example.invalid").await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void publicAddressesArePublic() throws Exception {
        for (String address : new String[]{"93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1"}) {
            assertTrue(isPublic(address), address);
        }
    }
}
