package io.tuneops.webhook.client.notify;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.tuneops.webhook.service.notify.ChannelSettings;
import io.tuneops.webhook.service.notify.Notification;
import io.tuneops.webhook.service.notify.SmtpSecurity;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Sends notification e-mail with the Vert.x mail client (the one beneath quarkus-mailer): each
 * channel has its own SMTP server, so each gets its own client, kept (with its connection pool)
 * while the channel's SMTP settings stay the same and replaced when they change.
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

    private record Cached(Smtp smtp, MailClient client) {
    }

    private final Vertx vertx;
    private final Map<String, Cached> clients = new ConcurrentHashMap<>();

    public EmailSender(Vertx vertx) {
        this.vertx = vertx;
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
        return client(channelId, smtp).sendMail(message)
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .map(result -> SendResult.ok(250, (System.nanoTime() - start) / 1_000_000))
                .onFailure().recoverWithItem(e -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
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

    private MailClient client(String channelId, Smtp smtp) {
        Cached cached = clients.compute(channelId, (id, old) -> {
            if (old != null && old.smtp().equals(smtp)) {
                return old;
            }
            if (old != null) {
                old.client().close().subscribe().with(v -> { }, e -> { });
            }
            return new Cached(smtp, MailClient.create(vertx, config(smtp)));
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
