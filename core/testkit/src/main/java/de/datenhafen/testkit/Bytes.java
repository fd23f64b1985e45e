package de.datenhafen.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Bodies with bytes that are not well-formed UTF-8 on purpose (overlong forms, encoded surrogates), for tests. */
public final class Bytes {

    private Bytes() {
    }

    /** {@code text} as UTF-8, with {@code bytes} where {@code %s} stands. */
    public static byte[] withBytes(String text, int... bytes) {
        int at = text.indexOf("%s");
        byte[] head = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(at + 2).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + bytes.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int i = 0; i < bytes.length; i++) {
            out[head.length + i] = (byte) bytes[i];
        }
        System.arraycopy(tail, 0, out, head.length + bytes.length, tail.length);
        return out;
    }

    /** Bytes from text in which {@code <XX>} stands for the byte 0xXX; the rest in UTF-8. */
    public static byte[] of(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("<", i) && i + 3 < text.length() && text.charAt(i + 3) == '>') {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 4;
            } else {
                int end = text.indexOf('<', i + 1);
                out.writeBytes(text.substring(i, end < 0 ? text.length() : end).getBytes(StandardCharsets.UTF_8));
                i = end < 0 ? text.length() : end;
            }
        }
        return out.toByteArray();
    }
}
