package de.datenhafen.plugins.transit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a zip byte by byte, for archives {@code ZipOutputStream} will not make: two entries of one name, or a
 * central directory that claims another compressed size than the entry's data has (what gtfs_lying_zip.py of the
 * probe made). Every entry is deflated; its local header tells the truth.
 */
public final class RawZip {

    private final ByteArrayOutputStream local = new ByteArrayOutputStream();
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int entries;

    /** A zip of the fixture's files, honest. */
    public static RawZip of(GtfsFixture fixture) {
        RawZip z = new RawZip();
        fixture.files().forEach((name, content) -> z.add(name, content));
        return z;
    }

    /** Adds an entry whatever entries came before it. */
    public RawZip add(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return add(name, bytes, new byte[0], 0, 1);
    }

    /**
     * Adds an entry of {@code head} followed by {@code block} {@code blocks} times, deflated as it is made (the
     * expanded bytes are never held), whose central directory record claims {@code claimFactor} times the compressed
     * size the data really has.
     */
    public RawZip add(String name, byte[] head, byte[] block, int blocks, long claimFactor) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        CRC32 crc = new CRC32();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte[] out = new byte[1 << 16];
        long size = 0;
        for (int i = -1; i < blocks; i++) {
            byte[] in = i < 0 ? head : block;
            crc.update(in);
            size += in.length;
            deflater.setInput(in);
            while (!deflater.needsInput()) {
                data.write(out, 0, deflater.deflate(out));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            data.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        long compressed = data.size();
        long offset = local.size();
        ByteBuffer h = le(30 + nameBytes.length).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
            .putShort((short) 8).putInt(0).putInt((int) crc.getValue()).putInt((int) compressed).putInt((int) size)
            .putShort((short) nameBytes.length).putShort((short) 0).put(nameBytes);
        local.writeBytes(h.array());
        local.writeBytes(data.toByteArray());
        ByteBuffer c = le(46 + nameBytes.length).putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
            .putShort((short) 0).putShort((short) 8).putInt(0).putInt((int) crc.getValue())
            .putInt((int) Math.min(compressed * claimFactor, 0xFFFFFFFEL)).putInt((int) size)
            .putShort((short) nameBytes.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
            .putShort((short) 0).putInt(0).putInt((int) offset).put(nameBytes);
        central.writeBytes(c.array());
        entries++;
        return this;
    }

    public Path write(Path target) {
        ByteBuffer end = le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
            .putShort((short) entries).putShort((short) entries).putInt(central.size()).putInt(local.size())
            .putShort((short) 0);
        try {
            Files.write(target, concat(local.toByteArray(), central.toByteArray(), end.array()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
