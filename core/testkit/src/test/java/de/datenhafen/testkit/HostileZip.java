package de.datenhafen.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zips field by field, so a test can make one lie as an attacker would: a local header that names another
 * file than the central directory, an entry only the local headers hold, a symbolic link, sizes that understate what
 * the data expands to, a deflate bomb.
 */
final class HostileZip {

    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    /** One entry; the local and central names and the declared size may differ from the truth. */
    private record Entry(String localName, String centralName, int method, byte[] data, long crc, long size,
                         int unixMode, boolean listed) {
    }

    private final List<Entry> entries = new ArrayList<>();

    /** An honest deflated entry. */
    HostileZip add(String name, byte[] content) {
        entries.add(new Entry(name, name, DEFLATED, deflate(content), crc(content), content.length, 0, true));
        return this;
    }

    HostileZip add(String name, String content) {
        return add(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** An entry whose local header names {@code localName}, whose central directory entry names {@code centralName}. */
    HostileZip smuggle(String centralName, String localName, byte[] content) {
        entries.add(new Entry(localName, centralName, STORED, content, crc(content), content.length, 0, true));
        return this;
    }

    /** An entry with a local header but no central directory entry: what only a streaming reader sees. */
    HostileZip hidden(String name, byte[] content) {
        entries.add(new Entry(name, name, STORED, content, crc(content), content.length, 0, false));
        return this;
    }

    /** A Unix symbolic link to {@code target}, as {@code zip -y} stores one. */
    HostileZip symlink(String name, String target) {
        byte[] content = target.getBytes(StandardCharsets.UTF_8);
        entries.add(new Entry(name, name, STORED, content, crc(content), content.length, 0120777, true));
        return this;
    }

    /** A deflated entry whose headers declare {@code declaredSize} bytes, whatever {@code content} holds. */
    HostileZip understated(String name, byte[] content, long declaredSize) {
        entries.add(new Entry(name, name, DEFLATED, deflate(content), crc(content), declaredSize, 0, true));
        return this;
    }

    /**
     * A deflate bomb: {@code mebibytes} MiB of zeros in about a thousandth of that. Built from one flushed block of
     * a MiB of zeros, repeated (a full flush makes each block independent of the ones before), so it takes
     * milliseconds to make instead of deflating a gigabyte.
     */
    HostileZip bomb(String name, int mebibytes) {
        byte[] mib = new byte[1024 * 1024];
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(mib);
        byte[] block = drain(deflater, Deflater.FULL_FLUSH);
        deflater.setInput(new byte[0]);
        deflater.finish();
        byte[] end = drain(deflater, Deflater.NO_FLUSH);
        deflater.end();
        ByteArrayOutputStream data = new ByteArrayOutputStream(block.length * mebibytes + end.length);
        CRC32 crc = new CRC32();
        for (int i = 0; i < mebibytes; i++) {
            data.writeBytes(block);
            crc.update(mib);
        }
        data.writeBytes(end);
        entries.add(new Entry(name, name, DEFLATED, data.toByteArray(), crc.getValue(), (long) mebibytes << 20, 0,
            true));
        return this;
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int listed = 0;
        for (Entry e : entries) {
            int offset = out.size();
            byte[] localName = e.localName().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(30).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
                .putShort((short) e.method()).putInt(0).putInt((int) e.crc()).putInt(e.data().length)
                .putInt((int) e.size()).putShort((short) localName.length).putShort((short) 0).array());
            out.writeBytes(localName);
            out.writeBytes(e.data());
            if (!e.listed()) {
                continue;
            }
            listed++;
            byte[] centralName = e.centralName().getBytes(StandardCharsets.UTF_8);
            int madeBy = e.unixMode() != 0 ? (3 << 8) | 20 : 20;
            central.writeBytes(le(46).putInt(0x02014b50).putShort((short) madeBy).putShort((short) 20)
                .putShort((short) 0).putShort((short) e.method()).putInt(0).putInt((int) e.crc())
                .putInt(e.data().length).putInt((int) e.size()).putShort((short) centralName.length)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putInt(e.unixMode() << 16).putInt(offset).array());
            central.writeBytes(centralName);
        }
        int centralOffset = out.size();
        out.writeBytes(central.toByteArray());
        out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) listed)
            .putShort((short) listed).putInt(central.size()).putInt(centralOffset).putShort((short) 0).array());
        return out.toByteArray();
    }

    Path writeTo(Path file) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] deflate(byte[] content) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(content);
        deflater.finish();
        byte[] out = drain(deflater, Deflater.NO_FLUSH);
        deflater.end();
        return out;
    }

    private static byte[] drain(Deflater deflater, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, flush);
            out.write(buffer, 0, n);
        } while (n == buffer.length || (flush == Deflater.NO_FLUSH && !deflater.finished() && n > 0));
        return out.toByteArray();
    }

    private static long crc(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return crc.getValue();
    }
}
