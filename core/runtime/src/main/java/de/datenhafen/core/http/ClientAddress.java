package de.datenhafen.core.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The address of a request's client, as the hub's rate limits and audit log count it: the socket's peer, except for
 * the console's own calls to the API ({@link ApiAccess}), which come from this process over loopback and carry the
 * browser's address in {@value #HEADER} together with a key made at start that never leaves the process. A header of
 * that name from anywhere else (another machine, another process on this one, a wrong key) is ignored; the plugins'
 * routes never see it (its name has the hub's internal prefix, which their consumer drops).
 */
public final class ClientAddress {

    static final String HEADER = "Datenhafen-Client-Address";
    private static final byte[] KEY = key();
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f.:%a-zA-Z]{2,64}");

    private ClientAddress() {
    }

    /** The client's address: the peer's, or the browser's that the console forwarded. */
    public static String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
        String forwarded = request.getHeader(HEADER);
        if (forwarded == null || !loopback(peer)) {
            return peer;
        }
        int space = forwarded.indexOf(' ');
        if (space <= 0 || !MessageDigest.isEqual(KEY, forwarded.substring(0, space).getBytes(StandardCharsets.UTF_8))) {
            return peer;
        }
        String address = forwarded.substring(space + 1);
        return ADDRESS.matcher(address).matches() ? address : peer;
    }

    /** Puts the client address of {@code from} on a request the console makes to the API for it. */
    static void forward(HttpServerRequest from, MultiMap headers) {
        headers.set(HEADER, new String(KEY, StandardCharsets.UTF_8) + " " + of(from));
    }

    /**
     * The client an address stands for: an IPv4 address itself, an IPv6 address its /64 network (one subscriber's
     * network, from which a client may use as many addresses as it likes). The connection bound, the body budget's
     * share and the failed-login limiter count by it; the audit log and sessions keep the full address ({@link #of}).
     */
    public static String network(String hostAddress) {
        int scope = hostAddress.indexOf('%');
        String address = scope < 0 ? hostAddress : hostAddress.substring(0, scope);
        // only a literal is parsed (a hex digit or ':' first: InetAddress never looks those up)
        if (address.indexOf(':') < 0 || address.isEmpty()
            || Character.digit(address.charAt(0), 16) < 0 && address.charAt(0) != ':') {
            return address;
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no look-up
        } catch (java.net.UnknownHostException e) {
            return address;
        }
        if (bytes.length != 16) {
            return address;
        }
        StringBuilder network = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return network.append(":/64").toString();
    }

    private static boolean loopback(String address) {
        try {
            // a literal address is parsed, never looked up
            return (address.indexOf(':') >= 0 || Character.isDigit(address.charAt(0)))
                && InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] key() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random).getBytes(StandardCharsets.UTF_8);
    }
}
