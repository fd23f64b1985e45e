package de.datenhafen.core.sink;

import de.datenhafen.api.InvalidInputException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Where the hub's outbound sinks may connect: the webhook steps of flows, {@code webhook-sink} and the MQTT sinks
 * ({@code mqtt-out:}, {@code mqtt-sink}). Their targets are written by members' and the association's admins, so
 * without a rule the hub would POST to (and tell the answers of) its own machine, its network and the cloud's
 * metadata service. The rule: public addresses only. Refused are loopback, unspecified, private (10/8, 172.16/12,
 * 192.168/16), shared (carrier-grade NAT, 100.64/10), link-local (169.254/16 with the metadata address, fe80::/10),
 * unique-local (fc00::/7), multicast, broadcast and the other reserved ranges (0/8, 192.0.0/24, 240/4, benchmarking
 * 198.18/15, the documentation ranges, 6to4's relay), every IPv6 address outside the global unicast range 2000::/3,
 * IETF's 2001::/23 (Teredo among them), and IPv6 forms of a refused IPv4 address (mapped {@code ::ffff:a.b.c.d},
 * NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}).
 *
 * <p>The operator lets sinks reach other hosts with the hub setting {@value #SETTING}: host names (exact, or
 * {@code *.example.org} for its subdomains; a host listed by name may have any address) and IP addresses or CIDR
 * networks ({@code 10.20.0.0/16}, {@code fd00::/8}). The hub's own public URL (its host and port) is always allowed:
 * a flow may deliver to one of the hub's own receivers, as the demo's does.
 *
 * <p>Checked twice. When a target is configured ({@link #checkConfigured}): a host written as an address is refused
 * then, with the field named; a host name is not resolved there (an API request does no DNS, and a name may resolve
 * differently later). When connecting ({@link #resolve}): the name is resolved, every address it has must pass, and
 * the caller connects to the address returned, the one that was checked: no second lookup in between that a DNS
 * server could answer differently (rebinding).
 */
public final class SinkAddressPolicy {

    /** The hub setting that lists the hosts and networks sinks may reach besides public addresses. */
    public static final String SETTING = "sinks.allowed-private-hosts";
    private static final String HOW_TO_ALLOW = "the hub sends to public addresses only; an operator can allow a host "
        + "or network for all sinks in the hub setting " + SETTING;
    private static final Pattern NAME = Pattern.compile("(\\*\\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
        + "(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\\.?");

    /** A target this policy refuses; the message says why and names the setting. */
    public static final class Refused extends InvalidInputException {
        private final String value;
        private final String reason;

        Refused(String field, String value, String reason) {
            super(field + ": " + reason, field);
            this.value = value;
            this.reason = reason;
        }

        /** Why, without the field: {@code 127.0.0.1 is not a public address (loopback); ...}. */
        public String reason() {
            return reason;
        }

        /** The refused value as it was given (a URL, a broker URI), so a caller can name the key that holds it. */
        public String value() {
            return value;
        }
    }

    private final List<String> names;
    private final List<String> suffixes;
    private final List<Network> networks;
    private final Supplier<String> ownUrl;
    private final Resolver resolver;

    /** How a host name becomes its addresses: the JVM's resolver, or a fixed table in tests. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] addresses(String host) throws UnknownHostException;
    }

    private SinkAddressPolicy(List<String> names, List<String> suffixes, List<Network> networks,
                              Supplier<String> ownUrl, Resolver resolver) {
        this.names = List.copyOf(names);
        this.suffixes = List.copyOf(suffixes);
        this.networks = List.copyOf(networks);
        this.ownUrl = ownUrl;
        this.resolver = resolver;
    }

    /** Public addresses only, nothing listed. */
    public static SinkAddressPolicy publicOnly() {
        return new SinkAddressPolicy(List.of(), List.of(), List.of(), () -> null, InetAddress::getAllByName);
    }

    /**
     * The policy with {@code allowed} listed.
     *
     * @param allowed host names ({@code receiver.example.org}, {@code *.example.org}), IP addresses and CIDR networks
     * @throws IllegalArgumentException naming an entry that is none of these
     */
    public static SinkAddressPolicy of(List<String> allowed) {
        List<String> names = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<Network> networks = new ArrayList<>();
        for (String raw : allowed) {
            String entry = raw.trim().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            Network network = Network.parse(entry);
            if (network != null) {
                networks.add(network);
            } else if (NAME.matcher(entry).matches() && entry.length() <= 253) {
                String name = bare(entry);
                if (name.startsWith("*.")) {
                    suffixes.add(name.substring(1));
                } else {
                    names.add(name);
                }
            } else {
                throw new IllegalArgumentException("'" + raw.trim() + "' is not a host name, an IP address or a CIDR "
                    + "network (such as receiver.example.org, *.example.org, 10.20.0.5, 10.20.0.0/16 or fd00::/8)");
            }
        }
        return new SinkAddressPolicy(names, suffixes, networks, () -> null, InetAddress::getAllByName);
    }

    /** The same policy that also allows the hub's own public URL's host and port ({@code publicUrl} is read when needed). */
    public SinkAddressPolicy withOwnUrl(Supplier<String> publicUrl) {
        return new SinkAddressPolicy(names, suffixes, networks, publicUrl, resolver);
    }

    /** The same policy with host names resolved by {@code names} (tests: a name with a dot that is this machine). */
    SinkAddressPolicy withResolver(Resolver names) {
        return new SinkAddressPolicy(this.names, suffixes, networks, ownUrl, names);
    }

    /**
     * At configuration: refuses a target whose host is written as an address this policy does not allow. A host name
     * passes here (it is checked as it resolves, at each connection).
     *
     * @param field the field that holds the target, for the error ({@code url}, {@code steps[2].url})
     * @param value the target as given, for the error and {@link Refused#value()}
     * @param host the target's host ({@code [::1]} or {@code ::1} for IPv6)
     * @param port the target's port
     * @throws Refused with a message that says why and how an operator allows it
     */
    public void checkConfigured(String field, String value, String host, int port) {
        String h = bare(host == null ? "" : host.toLowerCase(Locale.ROOT));
        if (h.isEmpty() || listed(h) || own(h, port)) {
            return;
        }
        InetAddress literal = literal(h);
        if (literal != null && !allowed(literal)) {
            throw new Refused(field, value, h + " is not a public address (" + kind(literal) + "); " + HOW_TO_ALLOW);
        }
    }

    /**
     * As {@link #checkConfigured(String, String, String, int)} for a target written as a URI, as a flow's sink step and
     * a connector's {@linkplain de.datenhafen.api.ConfigDef.Builder#sinkTarget sink target key} give it: its host, and
     * its port or its scheme's ({@code http} 80, {@code https} 443, {@code ssl} and {@code mqtts} 8883, else 1883). A
     * value that is no URI with a scheme and a host passes: its own checks refuse it, and the sink does.
     *
     * @throws Refused with a message that says why and how an operator allows it
     */
    public void checkConfigured(String field, String target) {
        if (target == null) {
            return;
        }
        URI uri;
        try {
            uri = new URI(target.trim());
        } catch (URISyntaxException e) {
            return;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return;
        }
        checkConfigured(field, target, uri.getHost(), port(uri));
    }

    /**
     * The port a sink's target URI connects to: its own, or its scheme's ({@code http} 80, {@code https} 443,
     * {@code ssl} and {@code mqtts} 8883, else MQTT's 1883). The one table for the policy's check and the sinks'
     * connections, so both look at the same port.
     */
    static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
            case "https" -> 443;
            case "http" -> 80;
            case "ssl", "mqtts" -> 8883;
            default -> 1883;
        };
    }

    /**
     * At connection: resolves {@code host} and returns the address to connect to, after every address the name has
     * passed this policy. Connect to what this returns, not to the name.
     *
     * @throws Refused when an address of the host is not allowed (the message does not say which address)
     * @throws UnknownHostException when the name does not resolve
     */
    public InetAddress resolve(String host, int port) throws UnknownHostException {
        String h = bare(host.toLowerCase(Locale.ROOT));
        InetAddress[] all = resolver.addresses(h);
        if (listed(h) || own(h, port)) {
            return all[0];
        }
        for (InetAddress a : all) {
            if (!allowed(a)) {
                throw new Refused("host", h, h + " is not a public address; " + HOW_TO_ALLOW);
            }
        }
        return all[0];
    }

    /** Whether the policy allows an address: a public one, or one in a listed network. */
    public boolean allowed(InetAddress a) {
        if (isPublic(a)) {
            return true;
        }
        Inet4Address embedded = embeddedV4(a);
        for (Network n : networks) {
            if (n.contains(a) || embedded != null && n.contains(embedded)) {
                return true;
            }
        }
        return false;
    }

    private boolean listed(String host) {
        if (names.contains(host)) {
            return true;
        }
        for (String s : suffixes) {
            if (host.endsWith(s) && host.length() > s.length()) {
                return true;
            }
        }
        return false;
    }

    private boolean own(String host, int port) {
        String url = ownUrl.get();
        if (url == null) {
            return false;
        }
        try {
            URI own = URI.create(url);
            if (own.getHost() == null) {
                return false;
            }
            int ownPort = own.getPort() >= 0 ? own.getPort() : "https".equalsIgnoreCase(own.getScheme()) ? 443 : 80;
            return bare(own.getHost().toLowerCase(Locale.ROOT)).equals(host) && ownPort == port;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Without IPv6 brackets and a DNS root dot. */
    private static String bare(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.endsWith(".") && !h.endsWith("..") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * The address a host is written as, or null for a host name. IPv4 in every form a C resolver reads
     * ({@code 127.1}, {@code 2130706433}, {@code 0x7f.0.0.1}, {@code 0177.0.0.1}), so none of them slips through as
     * a "name" that resolves to an address the policy refuses.
     */
    static InetAddress literal(String host) {
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            String address = zone < 0 ? host : host.substring(0, zone);
            if (!address.matches("[0-9a-f:.]+")) {
                return null;
            }
            try {
                return InetAddress.getByName(address); // an IPv6 literal: no lookup
            } catch (UnknownHostException e) {
                return null;
            }
        }
        byte[] v4 = inetAton(host);
        if (v4 == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv4 address as inet_aton reads it: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x). */
    private static byte[] inetAton(String s) {
        if (s.isEmpty() || !s.matches("[0-9a-fx.]+") || s.startsWith(".") || s.endsWith(".")) {
            return null;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                if (p.startsWith("0x")) {
                    v[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                } else if (p.length() > 1 && p.startsWith("0")) {
                    v[i] = Long.parseLong(p.substring(1), 8);
                } else {
                    v[i] = Long.parseLong(p);
                }
            } catch (NumberFormatException e) {
                return null;
            }
            if (p.length() > 12) {
                return null;
            }
        }
        long value;
        int last = parts.length - 1;
        for (int i = 0; i < last; i++) {
            if (v[i] > 0xff) {
                return null;
            }
        }
        long max = last == 0 ? 0xffffffffL : last == 1 ? 0xffffffL : last == 2 ? 0xffffL : 0xffL;
        if (v[last] > max) {
            return null;
        }
        value = v[last];
        for (int i = 0; i < last; i++) {
            value |= v[i] << (24 - 8 * i);
        }
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    /** Whether an address is one of the public internet (see the class comment for what is not). */
    public static boolean isPublic(InetAddress a) {
        if (a instanceof Inet4Address v4) {
            return isPublicV4(v4.getAddress());
        }
        byte[] b = a.getAddress();
        Inet4Address embedded = embeddedV4(a);
        if (embedded != null) {
            return isPublicV4(embedded.getAddress());
        }
        if (isIn(b, V6_LOCAL_NAT64, 48)) {
            return false;
        }
        if ((b[0] & 0xe0) != 0x20) {
            return false; // outside 2000::/3: loopback, unspecified, unique-local, link-local, multicast, reserved
        }
        for (Network n : V6_RESERVED) {
            if (n.contains(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The IPv4 address an IPv6 address stands for: IPv4-mapped ({@code ::ffff:a.b.c.d}), NAT64
     * ({@code 64:ff9b::/96}) or 6to4 ({@code 2002:aabb:ccdd::/48}); null for others and for IPv4 addresses.
     */
    static Inet4Address embeddedV4(InetAddress a) {
        if (!(a instanceof Inet6Address)) {
            return null;
        }
        byte[] b = a.getAddress();
        byte[] v4;
        if (isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff || isIn(b, V6_NAT64, 96)) {
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            v4 = new byte[] {b[2], b[3], b[4], b[5]};
        } else {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static final byte[] V6_NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] V6_LOCAL_NAT64 = {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0};
    private static final List<Network> V6_RESERVED = List.of(
        Network.parse("2001::/23"), // IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID, ...
        Network.parse("2001:db8::/32"), // documentation
        Network.parse("3fff::/20")); // documentation (RFC 9637)

    private static boolean isPublicV4(byte[] b) {
        int x = b[0] & 0xff;
        int y = b[1] & 0xff;
        int z = b[2] & 0xff;
        return !(x == 0 // "this network", 0.0.0.0 among them
            || x == 10 // private
            || x == 100 && (y & 0xc0) == 64 // 100.64/10, shared (carrier-grade NAT)
            || x == 127 // loopback
            || x == 169 && y == 254 // link-local, the cloud metadata service's 169.254.169.254 among them
            || x == 172 && (y & 0xf0) == 16 // private
            || x == 192 && y == 0 && z == 0 // 192.0.0/24, IETF protocol assignments
            || x == 192 && y == 0 && z == 2 // documentation (TEST-NET-1)
            || x == 192 && y == 88 && z == 99 // 6to4 relay anycast
            || x == 192 && y == 168 // private
            || x == 198 && (y & 0xfe) == 18 // 198.18/15, benchmarking
            || x == 198 && y == 51 && z == 100 // documentation (TEST-NET-2)
            || x == 203 && y == 0 && z == 113 // documentation (TEST-NET-3)
            || x >= 224); // multicast (224/4), reserved (240/4) and broadcast
    }

    /** What kind of address a refused literal is, for the message. */
    static String kind(InetAddress a) {
        InetAddress v = embeddedV4(a) != null ? embeddedV4(a) : a;
        if (v.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (v.isLoopbackAddress()) {
            return "loopback";
        }
        if (v.isLinkLocalAddress()) {
            return "link-local";
        }
        if (v.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = v.getAddress();
        if (v.isSiteLocalAddress() || b.length == 16 && (b[0] & 0xfe) == 0xfc) {
            return "private";
        }
        if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
            return "shared, carrier-grade NAT";
        }
        return "reserved";
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIn(byte[] address, byte[] prefix, int bits) {
        if (address.length != prefix.length) {
            return false;
        }
        for (int i = 0; i < bits / 8; i++) {
            if (address[i] != prefix[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (address[bits / 8] & mask) == (prefix[bits / 8] & mask);
    }

    /** An IP network: its address bytes and the length of its prefix. */
    record Network(byte[] prefix, int bits) {

        /** {@code a.b.c.d}, {@code a.b.c.d/n}, {@code x::y} or {@code x::/n}; null for anything else. */
        static Network parse(String entry) {
            String s = entry.trim();
            int slash = s.indexOf('/');
            String address = bare(slash < 0 ? s : s.substring(0, slash));
            InetAddress a;
            if (address.indexOf(':') >= 0) {
                if (!address.matches("[0-9a-fA-F:.]+")) {
                    return null;
                }
                try {
                    a = InetAddress.getByName(address);
                } catch (UnknownHostException e) {
                    return null;
                }
            } else if (address.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
                + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}")) {
                a = literal(address);
            } else {
                return null;
            }
            if (a == null) {
                return null;
            }
            int max = a.getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                String n = s.substring(slash + 1);
                if (!n.matches("[0-9]{1,3}")) {
                    return null;
                }
                bits = Integer.parseInt(n);
                if (bits > max) {
                    return null;
                }
            }
            return new Network(a.getAddress(), bits);
        }

        boolean contains(InetAddress a) {
            return isIn(a.getAddress(), prefix, bits);
        }
    }
}
