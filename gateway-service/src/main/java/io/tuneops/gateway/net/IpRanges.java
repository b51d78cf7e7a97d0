package io.tuneops.gateway.net;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A set of IPv4/IPv6 addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code 1.2.3.4},
 * {@code 1.2.3.4/32}, {@code 2001:db8::/32}, {@code ::1/128}), built on the IPAddress library.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) are judged as the IPv4 address they carry.
 */
public final class IpRanges {

    private final List<IPAddress> blocks;

    private IpRanges(List<IPAddress> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** @throws IllegalArgumentException naming the first entry that is not an address or CIDR block */
    public static IpRanges parse(Collection<String> entries) {
        List<IPAddress> blocks = new ArrayList<>();
        for (String entry : entries) {
            blocks.add(parseBlock(entry).orElseThrow(() ->
                    new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block")));
        }
        return new IpRanges(blocks);
    }

    /** The block an entry denotes, or empty when it is not an address or CIDR block. */
    public static Optional<IPAddress> parseBlock(String entry) {
        if (entry == null || entry.isBlank() || entry.trim().length() > 64) {
            return Optional.empty();
        }
        try {
            IPAddress address = new IPAddressString(entry.trim()).toAddress();
            // "10.1.2.3/8" means the block 10.0.0.0/8, as every firewall reads it
            return Optional.of(normalize(address.toPrefixBlock()));
        } catch (AddressStringException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A single address (no prefix, no wildcard), or empty. */
    public static Optional<IPAddress> parseAddress(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            IPAddress address = new IPAddressString(t).toAddress();
            if (address.isMultiple() || address.isPrefixed()) {
                return Optional.empty();
            }
            return Optional.of(normalize(address));
        } catch (AddressStringException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static IPAddress normalize(IPAddress address) {
        if (address.isIPv6() && address.isIPv4Convertible() && address.toIPv6().isIPv4Mapped()) {
            return address.toIPv4();
        }
        return address;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean contains(IPAddress address) {
        for (IPAddress block : blocks) {
            if (block.getIPVersion() == address.getIPVersion() && block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return blocks.toString();
    }
}
