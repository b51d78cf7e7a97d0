package io.tuneops.webhook.service.notify;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void publicAddressesArePublic() throws Exception {
        for (String address : new String[]{"93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "100.128.0.1"}) {
            assertTrue(isPublic(address), address);
        }
    }
}
