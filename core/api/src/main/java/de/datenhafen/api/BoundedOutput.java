package de.datenhafen.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte buffer for an answer that refuses to grow past its limit: a write that would take it past throws {@link
 * Full}, so an answer made from stored data (a list of names a feed or a registry holds) is refused before it is held
 * whole. Jackson hands the stream's {@code IOException} on as it is, so a plugin writes its JSON into one and answers
 * {@code Full} with a 400 that says how to ask for less:
 *
 * <pre>{@code
 * BoundedOutput out = new BoundedOutput(4 << 20);
 * try {
 *     JSON.writeValue(out, answer);
 * } catch (BoundedOutput.Full full) {
 *     throw new InvalidInputException("the answer would be larger than 4 MiB; ask for fewer with limit", "limit");
 * }
 * }</pre>
 *
 * <p>Not thread-safe, as any stream.
 *
 * @since 1.9
 */
public final class BoundedOutput extends OutputStream {

    /** A write that would take the buffer past its limit. */
    public static final class Full extends IOException {
        Full(int max) {
            super("the answer is larger than its limit of " + max + " bytes", null);
        }
    }

    private final ByteArrayOutputStream bytes;
    private final int max;

    /** A buffer of at most {@code max} bytes, growing as written. */
    public BoundedOutput(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("the limit must not be negative, was " + max);
        }
        this.bytes = new ByteArrayOutputStream(Math.min(max, 8192));
        this.max = max;
    }

    @Override
    public void write(int b) throws Full {
        check(1);
        bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws Full {
        check(len);
        bytes.write(b, off, len);
    }

    private void check(int more) throws Full {
        if ((long) bytes.size() + more > max) {
            throw new Full(max);
        }
    }

    /** What was written. */
    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    /** What was written, read as UTF-8. */
    @Override
    public String toString() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
