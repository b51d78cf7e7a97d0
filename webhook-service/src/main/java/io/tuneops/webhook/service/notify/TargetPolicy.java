package io.tuneops.webhook.service.notify;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tuneops.webhook.config.NotificationConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which targets (webhook endpoints, Slack URLs, the SMTP servers of e-mail channels) notifications
 * may be sent to. Unless
 * {@code tuneops.notifications.allow-private-targets}, a name that resolves to a loopback, private,
 * link-local, shared (CGNAT), unique-local, multicast or unspecified address is refused, so that
 * configuring a channel is not a way to make tuneops call into its own network (cloud metadata,
 * the database, other services). A direct call connects to the address checked; a call through a
 * proxy cannot (the proxy resolves the name again), so there the proxy's own rules are the last word.
 */
@ApplicationScoped
public class TargetPolicy {

    /** The longest URL a channel may name. */
    public static final int MAX_URL = 2000;

    /** Named in refusals, so that whoever meets one knows which setting decides. */
    private static final String SETTING = "private targets are refused unless TUNEOPS_NOTIFICATIONS_ALLOW_PRIVATE_TARGETS=true";
    private static final Pattern NUMERIC_LABEL = Pattern.compile("(?i)0x[0-9a-f]*|[0-9]+");
    private static final Pattern DECIMAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");

    private final boolean allowPrivate;

    @Inject
    public TargetPolicy(NotificationConfig config) {
        this(config.allowPrivateTargets());
    }

    TargetPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Refused at send time; the message says why without naming a secret URL's path. */
    public static final class TargetRefused extends RuntimeException {
        public TargetRefused(String message) {
            super(message, null, false, false);
        }
    }

    /** What is wrong with {@code url} as a target, checked without DNS (a literal address or localhost); empty when nothing is. */
    public Optional<String> problem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute http or https URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry a user name or password");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not have a fragment");
        }
        return hostProblem(uri.getHost(), "must be an absolute http or https URL");
    }

    /**
     * What is wrong with {@code host} (an SMTP server's) as a target, checked as a URL's host is,
     * without DNS; empty when nothing is.
     */
    public Optional<String> hostProblem(String host) {
        return hostProblem(host, "must be a host name or an address");
    }

    private Optional<String> hostProblem(String rawHost, String malformed) {
        String host = bare(rawHost);
        if (otherNumericForm(host)) {
            return Optional.of("must name a host, or an IPv4 address as four decimal numbers");
        }
        if (!allowPrivate) {
            if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
                return Optional.of("must not point at this machine (" + SETTING + ")");
            }
            if (literal(host)) {
                try {
                    if (!isPublic(InetAddress.getByName(host))) {
                        return Optional.of("must not point at a loopback, private or link-local address (" + SETTING + ")");
                    }
                } catch (UnknownHostException e) {
                    return Optional.of(malformed);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The address to connect to for {@code host}: its first address, when every address it has is
     * allowed. DNS lookups block, so they run on a worker thread, never on the event loop.
     */
    public Uni<InetAddress> resolve(String host) {
        return lookup(host, false).map(Optional::orElseThrow);
    }

    /**
     * For a call through a proxy, which resolves the name itself: the name's addresses are checked
     * as for a direct call when this machine can resolve it, and a name only the proxy knows (a
     * network whose DNS answers for inside names only) is left to the proxy's own rules.
     */
    public Uni<Optional<InetAddress>> resolveForProxy(String host) {
        return lookup(host, true);
    }

    private Uni<Optional<InetAddress>> lookup(String host, boolean unknownAllowed) {
        String bare = bare(host);
        return Uni.createFrom().item(() -> {
                    if (otherNumericForm(bare)) {
                        // a proxy may read 0x7f000001 or 127.1 as an address the check never saw
                        throw new TargetRefused("host " + bare + " is an address in a form that is not checked, refused");
                    }
                    try {
                        return InetAddress.getAllByName(bare);
                    } catch (UnknownHostException e) {
                        if (unknownAllowed && !(e.getCause() instanceof IllegalArgumentException)) {
                            return new InetAddress[0];
                        }
                        throw new TargetRefused("host " + bare + " not found");
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(addresses -> {
                    if (!allowPrivate) {
                        for (InetAddress address : addresses) {
                            if (!isPublic(address)) {
                                throw new TargetRefused("host " + bare + " resolves to a non-public address, refused "
                                        + "(tuneops.notifications.allow-private-targets)");
                            }
                        }
                    }
                    return addresses.length == 0 ? Optional.<InetAddress>empty() : Optional.of(addresses[0]);
                });
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0 && !(first == 100 && second >= 64 && second < 128)   // shared address space (CGNAT)
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0)      // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19))         // benchmarking
                    && first < 240;                                              // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {                                         // unique local fc00::/7
                return false;
            }
            boolean v4Embedded = true;                                           // ::ffff:a.b.c.d and ::a.b.c.d
            for (int i = 0; i < 10; i++) {
                v4Embedded &= b[i] == 0;
            }
            if (v4Embedded && (b[10] == 0 && b[11] == 0 || (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff)) {
                try {
                    return isPublic(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether {@code host} is one of inet_aton's other spellings of an IPv4 address (127.1,
     * 0x7f000001, 0177.0.0.1, 2130706433): every label a number, but not four decimal ones. No
     * top-level domain is numeric, so no DNS name has this form.
     */
    static boolean otherNumericForm(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!NUMERIC_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        if (labels.length != 4) {
            return true;
        }
        for (String label : labels) {
            if (!DECIMAL_OCTET.matcher(label).matches() || Integer.parseInt(label) > 255) {
                return true;
            }
        }
        return false;
    }

    private static boolean literal(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
