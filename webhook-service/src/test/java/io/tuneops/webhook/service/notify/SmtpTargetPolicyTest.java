package io.tuneops.webhook.service.notify;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.tuneops.webhook.client.notify.EmailSender;
import io.tuneops.webhook.client.notify.SendResult;
import io.tuneops.webhook.service.FieldError;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An e-mail channel's SMTP server is a target like a webhook URL: unless private targets are
 * allowed, a loopback, private or link-local host is refused when the channel is saved, and a send
 * (a channel test included) to a host that is or resolves to one fails with the policy named before
 * anything connects, so that a channel cannot probe the network webhook-service sits in.
 */
class SmtpTargetPolicyTest {

    private static final TargetPolicy PRIVATE_REFUSED = new TargetPolicy(false);
    private static final TargetPolicy PRIVATE_ALLOWED = new TargetPolicy(true);
    private static final Notification TEST = new Notification("evt_test", "test", Severity.INFO, OffsetDateTime.now(),
            new JsonObject(), "Test notification", "A test.", null);

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.closeAndAwait();
    }

    private static JsonObject email(String host) {
        return new JsonObject().put("channel_type", "email").put("name", "mail").put("smtp_host", host).put("smtp_port", 25)
                .put("smtp_security", "none").put("smtp_from_address", "bot@example.com");
    }

    @Test
    void aPrivateSmtpHostIsRefusedWhenTheChannelIsSaved() {
        for (String host : List.of("127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "::1")) {
            ChannelForm.Parsed parsed = ChannelForm.parse(email(host), null, PRIVATE_REFUSED);
            assertNull(parsed.draft(), host);
            FieldError error = parsed.errors().stream().filter(e -> e.field().equals("smtp_host")).findFirst().orElse(null);
            assertNotNull(error, host + ": " + parsed.errors());
            assertTrue(error.message().contains("TUNEOPS_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS"), error.message());
        }
        // a proxy-style spelling of an address is never taken, allowed or not
        assertNull(ChannelForm.parse(email("127.1"), null, PRIVATE_ALLOWED).draft());
        // a name is resolved when mail is sent, not when the channel is saved; and the setting lets an in-cluster relay in
        assertNotNull(ChannelForm.parse(email("smtp.example.com"), null, PRIVATE_REFUSED).draft());
        assertNotNull(ChannelForm.parse(email("127.0.0.1"), null, PRIVATE_ALLOWED).draft());
    }

    @Test
    void aSendToAHostThatResolvesToAPrivateAddressIsRefusedBeforeAnyConnection() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            EmailSender sender = new EmailSender(vertx, PRIVATE_REFUSED);
            // an address, and a name that resolves to one (a channel saved before the check, or DNS changed since)
            for (String host : List.of("127.0.0.1", "localhost")) {
                SendResult result = sender.send("chn_private_" + host, settings(host, port), null, List.of("ops@example.com"), TEST,
                        Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(10));
                assertFalse(result.success(), host);
                assertNull(result.statusCode(), host);
                assertTrue(result.error().contains("non-public address") && result.error().contains("allow-private-targets"),
                        result.error());
                // the check comes first: a connection would be waiting here, accepted by the kernel
                assertNull(listener.accept(), "nothing connected to " + host + ":" + port);
            }
        }
    }

    @Test
    void withPrivateTargetsAllowedMailGoesToTheCheckedAddress() {
        GreenMail smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        smtp.start();
        try {
            SendResult result = new EmailSender(vertx, PRIVATE_ALLOWED).send("chn_allowed", settings("localhost",
                            smtp.getSmtp().getPort()), null, List.of("ops@example.com"), TEST, Duration.ofSeconds(10))
                    .await().atMost(Duration.ofSeconds(15));
            assertTrue(result.success(), result.error());
            assertTrue(smtp.waitForIncomingEmail(5000, 1));
            assertEquals(1, smtp.getReceivedMessages().length);
        } finally {
            smtp.stop();
        }
    }

    private static ChannelSettings settings(String host, int port) {
        return new ChannelSettings(host, port, null, SmtpSecurity.NONE, "bot@example.com", null, null, List.of(), null);
    }
}
