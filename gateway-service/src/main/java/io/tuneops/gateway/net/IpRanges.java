package io.tuneops.gateway.net;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4AddressStringParameters;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A set of IPv4/IPv6 addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code 1.2.3.4},
 * {@code 1.2.3.4/32}, {@code 2001:db8::/32}, {@code ::1/128}), built on the IPAddress library.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}) are judged as the IPv4 address they carry.
 * <p>
 * Only the standard text forms are read: dotted-quad IPv4 without leading zeros, IPv6 as RFC 4291
 * writes it, prefix lengths in plain decimal. The forms that inet_aton and the library also read
 * ({@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1}, {@code 127.0.0.01}, {@code /08}, ranges,
 * wildcards, masks, zones) are refused: each means something different to another parser (a
 * firewall, a proxy, a person), and an allowlist entry must mean one thing. What is shown and
 * stored is the canonical form (RFC 5952 for IPv6).
 */
public final class IpRanges {

    /** The standard forms only; see the class comment. */
    private static final IPAddressStringParameters STRICT = strictParameters();
    /**
     * A prefix length with a leading zero ({@code /08}). Checked by hand: the library's own switch
     * for it (allowPrefixLengthLeadingZeros) also refuses {@code /0}, the whole address space.
     */
    private static final Pattern PREFIX_LEADING_ZERO = Pattern.compile("/0\\d");
    /** What the operating system reports as a TCP peer: its own standard form, an IPv6 zone included. */
    private static final IPAddressStringParameters PEER = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowPrefix(false).allowMask(false)
            .allowPrefixOnly(false).toParams();

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
        if (PREFIX_LEADING_ZERO.matcher(entry).find()) {
            return Optional.empty();
        }
        try {
            IPAddress address = new IPAddressString(entry.trim(), STRICT).toAddress();
            // "10.1.2.3/8" means the block 10.0.0.0/8, as every firewall reads it
            return Optional.of(normalize(address.toPrefixBlock()));
        } catch (AddressStringException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A single address in a standard form (no prefix, no wildcard), or empty. */
    public static Optional<IPAddress> parseAddress(String text) {
        return parseAddress(text, STRICT);
    }

    /** The TCP peer's address as the operating system wrote it, or empty. */
    public static Optional<IPAddress> parsePeer(String text) {
        return parseAddress(text, PEER);
    }

    private static Optional<IPAddress> parseAddress(String text, IPAddressStringParameters parameters) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            IPAddress address = new IPAddressString(t, parameters).toAddress();
            if (address.isMultiple() || address.isPrefixed()) {
                return Optional.empty();
            }
            return Optional.of(normalize(address));
        } catch (AddressStringException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static IPAddressStringParameters strictParameters() {
        IPAddressStringParameters.Builder builder = new IPAddressStringParameters.Builder()
                .allowEmpty(false).allowAll(false).allowSingleSegment(false).allowMask(false).allowPrefixOnly(false)
                .allowWildcardedSeparator(false).allow_inet_aton(false)
                .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE);
        strict(builder.getIPv4AddressParametersBuilder());
        builder.getIPv6AddressParametersBuilder()
                .allowZone(false).allowEmptyZone(false).allowBase85(false).allowBinary(false)
                .allowWildcardedSeparator(false).allowUnlimitedLeadingZeros(false)
                .allowPrefixesBeyondAddressSize(false).allow_mixed_inet_aton(false)
                .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE);
        strict(builder.getIPv6AddressParametersBuilder().getEmbeddedIPv4AddressParametersBuilder());
        return builder.toParams();
    }

    private static void strict(IPv4AddressStringParameters.Builder ipv4) {
        ipv4.allow_inet_aton(false).allowBinary(false).allowLeadingZeros(false).allowUnlimitedLeadingZeros(false)
                .allowPrefixesBeyondAddressSize(false)
                .allowWildcardedSeparator(false).setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE);
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
