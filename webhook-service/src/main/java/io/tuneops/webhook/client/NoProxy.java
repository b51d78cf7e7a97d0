package io.tuneops.webhook.client;

import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hosts NO_PROXY sends around the proxy, read as curl and Python's HTTP clients read it:
 * comma-separated entries, each {@code *} (every host), a host name that also covers its
 * subdomains ({@code example.com} and {@code .example.com} alike, and {@code *.example.com} as
 * some clients write it), an IP address, or a CIDR block ({@code 10.0.0.0/8}) that covers the IP
 * addresses in it. A port after an entry is ignored: the entry covers its host on every port. Vert.x's non-proxy host patterns
 * know neither the subdomain rule nor CIDR blocks, hence this reading of it.
 */
public record NoProxy(boolean everything, List<String> domains, List<Block> blocks) {

    public static final NoProxy NONE = new NoProxy(false, List.of(), List.of());

    /** An address range: the first {@code bits} bits of {@code prefix}. */
    public record Block(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    public static NoProxy parse(Optional<String> value) {
        if (value.isEmpty() || value.get().isBlank()) {
            return NONE;
        }
        boolean everything = false;
        List<String> domains = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        for (String raw : value.get().split(",")) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.endsWith(".")) {
                entry = entry.substring(0, entry.length() - 1);
            }
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                everything = true;
                continue;
            }
            int slash = entry.indexOf('/');
            if (slash > 0) {
                Optional<byte[]> prefix = literal(entry.substring(0, slash));
                try {
                    int bits = Integer.parseInt(entry.substring(slash + 1));
                    if (prefix.isPresent() && bits >= 0 && bits <= prefix.get().length * 8) {
                        blocks.add(new Block(prefix.get(), bits));
                    }
                } catch (NumberFormatException ignored) {
                    // not a block: an entry that matches nothing
                }
                continue;
            }
            String host = withoutPort(entry);
            Optional<byte[]> address = literal(host);
            if (address.isPresent()) {
                blocks.add(new Block(address.get(), address.get().length * 8));
                continue;
            }
            domains.add(host.startsWith("*.") ? host.substring(2) : host.startsWith(".") ? host.substring(1) : host);
        }
        return new NoProxy(everything, List.copyOf(domains), List.copyOf(blocks));
    }

    /** Whether a call to {@code host} (a name or an address, IPv6 with or without brackets) goes around the proxy. */
    public boolean bypasses(String host) {
        if (everything) {
            return true;
        }
        String bare = host.toLowerCase(Locale.ROOT);
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (bare.endsWith(".")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        Optional<byte[]> address = literal(bare);
        if (address.isPresent()) {
            return blocks.stream().anyMatch(b -> b.contains(address.get()));
        }
        for (String domain : domains) {
            if (bare.equals(domain) || bare.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    /** {@code host:port} without the port; IPv6 addresses keep their colons, in brackets or not. */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            return end > 0 ? entry.substring(1, end) : entry;
        }
        int colon = entry.indexOf(':');
        return colon > 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    /** The bytes of an IP address literal (IPv6 with or without brackets); never a DNS lookup. */
    private static Optional<byte[]> literal(String text) {
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        return Optional.ofNullable(NetUtil.isValidIpV4Address(bare) || NetUtil.isValidIpV6Address(bare)
                ? NetUtil.createByteArrayFromIpAddressString(bare) : null);
    }
}
