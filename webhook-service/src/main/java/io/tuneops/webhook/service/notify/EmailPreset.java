package io.tuneops.webhook.service.notify;

import java.util.Locale;
import java.util.Optional;

/** The original's e-mail provider presets: what a channel's SMTP host, port and security default to. */
public enum EmailPreset {
    GMAIL("Gmail", "smtp.gmail.com", 587, SmtpSecurity.STARTTLS),
    OUTLOOK("Outlook.com", "smtp-mail.outlook.com", 587, SmtpSecurity.STARTTLS),
    OFFICE365("Microsoft 365", "smtp.office365.com", 587, SmtpSecurity.STARTTLS),
    YAHOO("Yahoo Mail", "smtp.mail.yahoo.com", 465, SmtpSecurity.TLS),
    ICLOUD("iCloud Mail", "smtp.mail.me.com", 587, SmtpSecurity.STARTTLS),
    SENDGRID("SendGrid", "smtp.sendgrid.net", 587, SmtpSecurity.STARTTLS),
    MAILGUN("Mailgun", "smtp.mailgun.org", 587, SmtpSecurity.STARTTLS),
    SES("Amazon SES (us-east-1)", "email-smtp.us-east-1.amazonaws.com", 587, SmtpSecurity.STARTTLS),
    ZOHO("Zoho Mail", "smtp.zoho.com", 465, SmtpSecurity.TLS),
    /** No host: the channel names its own. */
    CUSTOM("Custom SMTP server", null, 587, SmtpSecurity.STARTTLS);

    private final String displayName;
    private final String host;
    private final int port;
    private final SmtpSecurity security;

    EmailPreset(String displayName, String host, int port, SmtpSecurity security) {
        this.displayName = displayName;
        this.host = host;
        this.port = port;
        this.security = security;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public SmtpSecurity security() {
        return security;
    }

    public static Optional<EmailPreset> fromId(String id) {
        for (EmailPreset p : values()) {
            if (p.id().equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
