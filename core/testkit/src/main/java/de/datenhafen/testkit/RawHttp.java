package de.datenhafen.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a request byte for byte over a socket, for the requests {@link HubClient} (Java's HTTP client) refuses to
 * build: CR or LF in a header value, a header name with a colon, no {@code Content-Type}, a request line or headers
 * of any length. The request should say {@code Connection: close}; the answer is read until the server closes.
 */
public final class RawHttp {

    private static final int MAX_ANSWER = 16 * 1024 * 1024;

    private RawHttp() {
    }

    /** One answer: status, headers (names in lower case, values in order), body. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + (body.length() > 500 ? body.substring(0, 500) + "..." : body);
        }
    }

    /** Sends {@code request} (CRLF line ends are the caller's job) and reads the answer. */
    public static Answer send(int port, byte[] request) {
        return sendFrom(null, port, request);
    }

    /**
     * Sends from a given local address, for example {@code 127.0.0.2} (all of 127/8 is loopback on Linux), to act as
     * a second client machine; to {@code ::1} when it is an IPv6 address ({@link Ipv6Loopback}).
     */
    public static Answer sendFrom(java.net.InetAddress local, int port, byte[] request) {
        return sendFrom(local, port, request, java.time.Duration.ofSeconds(30));
    }

    /**
     * As {@link #sendFrom(java.net.InetAddress, int, byte[])}, waiting at most {@code timeout} for each read.
     *
     * @throws UncheckedIOException with a {@link java.net.SocketTimeoutException} when the server did not answer
     */
    public static Answer sendFrom(java.net.InetAddress local, int port, byte[] request, java.time.Duration timeout) {
        try (Socket socket = local == null ? new Socket("127.0.0.1", port)
            : new Socket(java.net.InetAddress.getByName(local instanceof java.net.Inet6Address ? "::1" : "127.0.0.1"),
                port, local, 0)) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            // Written on a thread of its own: a server may answer (413, 401) without reading the rest of a large
            // body, and a blocked write must not keep us from reading that answer. Closing the socket ends it.
            Thread writer = new Thread(() -> {
                try {
                    out.write(request);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before it read everything; the answer is what counts
                }
            }, "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An answer's status line and headers, up to and with the blank line, read byte by byte from a connection the
     * caller keeps (to read the body, or send the next request, after it); what was read if the server closed first.
     */
    public static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** A request from lines: joined with CRLF, a blank line, then the body. */
    public static Answer send(int port, String body, String... lines) {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(line).append("\r\n");
        }
        b.append("\r\n").append(body);
        return send(port, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads until the server closes or, with a Content-Length, until the answer is complete. */
    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) > 0 && out.size() < MAX_ANSWER) {
                out.write(buffer, 0, n);
                if (complete(out.toByteArray())) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // a reset after the answer: keep what arrived
        }
        return out.toByteArray();
    }

    private static boolean complete(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                return raw.length - (end + 4) >= Long.parseLong(line.substring(15).trim());
            }
        }
        return false;
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete HTTP answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(lines[i].substring(colon + 1).trim());
        }
        byte[] bodyBytes = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", List.of("")).get(0))) {
            bodyBytes = dechunk(bodyBytes);
        }
        String body = new String(bodyBytes, StandardCharsets.UTF_8);
        return new Answer(status, headers, body);
    }

    /** The body without its chunk framing; chunk sizes count bytes, so this works on bytes, not decoded text. */
    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String framing = new String(chunked, StandardCharsets.ISO_8859_1); // one char per byte: offsets are bytes
        int pos = 0;
        while (pos < chunked.length) {
            int lineEnd = framing.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(framing.substring(pos, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            pos = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
