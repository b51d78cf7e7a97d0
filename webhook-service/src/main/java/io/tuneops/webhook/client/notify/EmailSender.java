package io.tuneops.webhook.client.notify;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.service.notify.ChannelSettings;
import io.tuneops.webhook.service.notify.Notification;
import io.tuneops.webhook.service.notify.SmtpSecurity;
import io.tuneops.webhook.service.notify.TargetPolicy;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Sends notification e-mail with the Vert.x mail client (the one beneath quarkus-mailer): each
 * channel has its own SMTP server, so each gets its own client, kept (with its connection pool)
 * while the channel's SMTP settings and the server's checked address stay the same and replaced
 * when they change.
 *
 * <p>The SMTP host is an address an administrator chooses, like a webhook URL, so it goes through
 * the same {@link TargetPolicy}: resolved and checked before every send (a test included), a
 * loopback, private or link-local address refused unless private targets are allowed, and the
 * client connects to exactly the address checked ({@link PinnedConnections}) while TLS still
 * verifies the configured name. Otherwise a channel would be a port scanner for the network
 * webhook-service sits in (an SMTP server on 127.0.0.1:6379 fails differently from a closed port).
 */
@ApplicationScoped
public class EmailSender {

    /** What a client is made from; compared whole, so a changed password makes a new client. */
    private record Smtp(String host, int port, SmtpSecurity security, String username, String password, int timeoutMs) {
        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + " " + security + "]";
        }
    }

    /** A client's settings and the address it connects to, which the policy checked. */
    private record Target(Smtp smtp, InetAddress address) {
    }

    private record Cached(Target target, MailClient client) {
    }

    private final Vertx vertx;
    private final TargetPolicy policy;
    private final Map<String, Cached> clients = new ConcurrentHashMap<>();

    public EmailSender(Vertx vertx, TargetPolicy policy) {
        this.vertx = vertx;
        this.policy = policy;
    }

    void close(@Observes ShutdownEvent event) {
        clients.values().forEach(c -> c.client().close().subscribe().with(v -> { }, e -> { }));
        clients.clear();
    }

    public Uni<SendResult> send(String channelId, ChannelSettings settings, String password, List<String> to, Notification n,
                                Duration timeout) {
        long start = System.nanoTime();
        if (to.isEmpty()) {
            return Uni.createFrom().item(SendResult.failed(null, "no recipients: give the preference an e-mail address", 0));
        }
        SmtpSecurity security = settings.smtpSecurity() == null ? SmtpSecurity.STARTTLS : settings.smtpSecurity();
        Smtp smtp = new Smtp(settings.smtpHost(), settings.smtpPort() == null ? security.defaultPort() : settings.smtpPort(),
                security, settings.smtpUsername(), password, (int) timeout.toMillis());
        MailMessage message = new MailMessage().setFrom(from(settings)).setTo(List.copyOf(to))
                .setSubject("[tuneops] " + n.title()).setText(text(n)).setHtml(html(n));
        // resolved (on a worker thread) and checked before anything connects; a refusal names the policy
        return policy.resolve(smtp.host())
                .chain(address -> client(channelId, new Target(smtp, address)).sendMail(message))
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .map(result -> SendResult.ok(250, (System.nanoTime() - start) / 1_000_000))
                .onFailure().recoverWithItem(e -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (e instanceof TargetPolicy.TargetRefused) {
                        return SendResult.failed(null, e.getMessage(), ms);
                    }
                    if (e instanceof SMTPException smtpError) {
                        return SendResult.failed(smtpError.getReplyCode(), "SMTP " + smtpError.getReplyCode() + ": "
                                + smtpError.getReplyMessage(), ms);
                    }
                    if (e instanceof TimeoutException) {
                        return SendResult.failed(null, "no answer from " + smtp.host() + " within " + timeout.toMillis() + " ms", ms);
                    }
                    return SendResult.failed(null, "cannot send through " + smtp.host() + ": "
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), ms);
                });
    }

    private MailClient client(String channelId, Target target) {
        Cached cached = clients.compute(channelId, (id, old) -> {
            if (old != null && old.target().equals(target)) {
                return old;
            }
            if (old != null) {
                old.client().close().subscribe().with(v -> { }, e -> { });
            }
            // the configured name stays the client's host name (EHLO aside, it is what TLS checks);
            // the connections go to the checked address
            Vertx pinned = Vertx.newInstance(PinnedConnections.to(vertx.getDelegate(), target.address()));
            return new Cached(target, MailClient.create(pinned, config(target.smtp())));
        });
        return cached.client();
    }

    private static MailConfig config(Smtp smtp) {
        MailConfig config = new MailConfig().setHostname(smtp.host()).setPort(smtp.port())
                .setStarttls(smtp.security() == SmtpSecurity.STARTTLS ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
                .setLogin(smtp.username() == null ? LoginOption.DISABLED : LoginOption.REQUIRED)
                .setUsername(smtp.username()).setPassword(smtp.password())
                // a password, never an OAuth token: XOAUTH2 would only fail first and be logged
                .setAuthMethods("PLAIN LOGIN CRAM-MD5 CRAM-SHA1 CRAM-SHA256 DIGEST-MD5")
                .setKeepAlive(true).setMaxPoolSize(4);
        config.setSsl(smtp.security() == SmtpSecurity.TLS);
        config.setConnectTimeout(smtp.timeoutMs());
        return config;
    }

    private static String from(ChannelSettings settings) {
        String name = settings.fromName();
        return name == null ? settings.fromAddress()
                : "\"" + name.replace("\\", "").replace("\"", "") + "\" <" + settings.fromAddress() + ">";
    }

    static String text(Notification n) {
        return n.message() + (n.url() == null ? "" : "\n\n" + n.url()) + "\n\n-- \n" + n.eventType() + " · " + n.severity().wire()
                + "\nSent by tuneops notifications.\n";
    }

    static String html(Notification n) {
        return "<!doctype html><html><body style=\"font-family: sans-serif\"><h2>" + escape(n.title()) + "</h2><p>"
                + escape(n.message()) + "</p>"
                + (n.url() == null ? "" : "<p><a href=\"" + escape(n.url()) + "\">Open in tuneops</a></p>")
                + "<p style=\"color: #666; font-size: small\">" + escape(n.eventType()) + " · " + n.severity().wire()
                + "<br>Sent by tuneops notifications.</p></body></html>";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
