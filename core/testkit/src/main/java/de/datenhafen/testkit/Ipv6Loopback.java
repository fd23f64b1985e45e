package de.datenhafen.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * IPv6 addresses on the loopback interface for a test, to act as several clients of one /64 network or of several
 * (IPv4 has all of 127/8 on loopback, IPv6 only {@code ::1}). Each is added with {@code ip -6 addr add <a>/128 dev lo
 * nodad} and removed again by {@link #close}. That needs root (or CAP_NET_ADMIN) and iproute2: without them the test is
 * skipped, except under {@code CI=true}, where it fails ({@code .ci/run} runs as root and installs iproute2). Take
 * addresses of the documentation prefix {@code 2001:db8::/32}, a /64 of their own for each test class, so that test
 * JVMs running side by side never remove each other's.
 */
public final class Ipv6Loopback implements AutoCloseable {

    private final List<InetAddress> addresses = new ArrayList<>();
    private final List<String> added = new ArrayList<>();

    private Ipv6Loopback() {
    }

    /** Puts {@code literals} (IPv6 addresses) on the loopback interface; skips or fails the test when it cannot. */
    public static Ipv6Loopback add(String... literals) {
        Ipv6Loopback lo = new Ipv6Loopback();
        boolean done = false;
        try {
            for (String literal : literals) {
                InetAddress address = address(literal);
                String failure = ip("addr", "add", literal + "/128", "dev", "lo", "nodad");
                if (failure != null && !failure.contains("File exists")) {
                    cannot("cannot add " + literal + " to the loopback interface (root and iproute2 needed): "
                        + failure);
                }
                if (failure == null) {
                    lo.added.add(literal);
                }
                lo.addresses.add(address);
            }
            done = true;
            return lo;
        } finally {
            if (!done) {
                lo.close();
            }
        }
    }

    private static InetAddress address(String literal) {
        try {
            InetAddress address = InetAddress.getByName(literal); // a literal: never looked up
            if (address instanceof java.net.Inet6Address) {
                return address;
            }
        } catch (java.net.UnknownHostException e) {
            // below
        }
        throw new IllegalArgumentException(literal + " is not an IPv6 address");
    }

    /** The {@code i}-th address given to {@link #add}. */
    public InetAddress address(int i) {
        return addresses.get(i);
    }

    @Override
    public void close() {
        for (String literal : added) {
            ip("addr", "del", literal + "/128", "dev", "lo"); // if that fails, it stays until the machine restarts
        }
        added.clear();
    }

    /** Runs {@code ip -6 args}: null when it succeeded, else what went wrong. */
    private static String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-6"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return "cannot run ip (iproute2): " + e.getMessage();
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "ip did not end within 10 s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return "interrupted";
        }
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            out = e.getMessage();
        }
        return p.exitValue() == 0 ? null : out;
    }

    private static void cannot(String why) {
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(why);
        }
        Assumptions.abort(why);
    }
}
