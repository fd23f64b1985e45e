package de.datenhafen.plugins.transit.gtfs;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * A GTFS zip read from its own bytes: the central directory lists the entries, and an entry's data is read from where
 * its local header puts it through an inflater of this class, so the compressed bytes an entry really takes are known
 * as they are consumed ({@link EntryStream#compressedRead()}), whatever the directory claims.
 *
 * <p>Why not {@code java.util.zip.ZipFile}: it tells an entry's compressed size only as the central directory gives
 * it, and an archive can make that up. A directory claiming a thousand times the real size made the importer's
 * max-ratio a thousand times looser (9 million shape points from a 600 MB deflate bomb of a few hundred KB).
 *
 * <p>Memory is bounded: the archive's numbers never size an allocation beyond one name (at most 65,535 bytes), the
 * directory is read record by record, and {@link #entries()} reads exactly as many as the end record declares, which
 * the importer checks against max-entries first. Stored and deflated entries are read; zip64 is understood; an
 * encrypted entry or another method is refused when it is opened. One archive, one thread.
 */
final class GtfsArchive implements Closeable {

    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int END_SIG = 0x06054b50;
    private static final int ZIP64_END_SIG = 0x06064b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int LOCAL_FIXED = 30;
    private static final int CENTRAL_FIXED = 46;
    private static final int END_FIXED = 22;
    private static final int ZIP64_END_FIXED = 56;
    private static final int ZIP64_LOCATOR_FIXED = 20;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int ZIP64_EXTRA = 0x0001;
    private static final long U32_MAX = 0xFFFFFFFFL;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int FLAG_ENCRYPTED = 1;
    private static final int BUFFER = 1 << 16;

    /** One entry as the central directory describes it; its sizes are claims, its data is read from its offset. */
    record Entry(String name, int method, int flags, long compressedSize, long size, long localOffset) {

        boolean isDirectory() {
            return name.endsWith("/");
        }
    }

    private final FileChannel channel;
    private final long declaredEntries;
    private final long centralStart;
    private final long centralEnd;
    /** Bytes in front of the archive (a self-extracting stub): the directory's offsets count from after them. */
    private final long base;

    private GtfsArchive(FileChannel channel, long declaredEntries, long centralStart, long centralEnd, long base) {
        this.channel = channel;
        this.declaredEntries = declaredEntries;
        this.centralStart = centralStart;
        this.centralEnd = centralEnd;
        this.base = base;
    }

    /** Opens {@code file} and reads its end record; a file that is no zip is a {@link ZipException} saying why. */
    static GtfsArchive open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return readEnd(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static GtfsArchive readEnd(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < END_FIXED) {
            throw new ZipException("the file is too short to be a zip archive");
        }
        int tailLength = (int) Math.min(size, END_FIXED + MAX_COMMENT);
        ByteBuffer tail = read(channel, size - tailLength, tailLength);
        for (int i = tailLength - END_FIXED; i >= 0; i--) {
            if (tail.getInt(i) != END_SIG || i + END_FIXED + u16(tail, i + 20) > tailLength) {
                continue;
            }
            long end = size - tailLength + i;
            long entries = u16(tail, i + 10);
            long centralSize = u32(tail, i + 12);
            long centralOffset = u32(tail, i + 16);
            long centralEnd = end;
            boolean full = entries == 0xFFFF || centralSize == U32_MAX || centralOffset == U32_MAX;
            // a zip64 end record sits between the directory and this one when the locator in front says so; some
            // writers (zip reading from a pipe) add it though no field is full, so it is looked for as ZipFile does
            Zip64End z = zip64End(channel, end);
            if (z != null && (z.entries() == entries || entries == 0xFFFF)
                && (z.centralSize() == centralSize || centralSize == U32_MAX)
                && (z.centralOffset() == centralOffset || centralOffset == U32_MAX)) {
                entries = z.entries();
                centralSize = z.centralSize();
                centralOffset = z.centralOffset();
                centralEnd = z.at();
            } else if (full) {
                throw new ZipException("its end record asks for a zip64 record that is not there");
            }
            long base = centralEnd - centralSize - centralOffset;
            if (entries < 0 || centralSize < 0 || centralOffset < 0 || base < 0) {
                throw new ZipException("its central directory does not fit in the file");
            }
            return new GtfsArchive(channel, entries, base + centralOffset, centralEnd, base);
        }
        throw new ZipException("no end of central directory record (not a zip archive)");
    }

    /** What a zip64 end record says, and where it starts. */
    private record Zip64End(long entries, long centralSize, long centralOffset, long at) {
    }

    /** The zip64 end record the locator in front of the end record at {@code end} points to; null when none. */
    private static Zip64End zip64End(FileChannel channel, long end) throws IOException {
        if (end < ZIP64_LOCATOR_FIXED + ZIP64_END_FIXED) {
            return null;
        }
        ByteBuffer locator = read(channel, end - ZIP64_LOCATOR_FIXED, ZIP64_LOCATOR_FIXED);
        if (locator.getInt(0) != ZIP64_LOCATOR_SIG) {
            return null;
        }
        long at = locator.getLong(8);
        if (at < 0 || at > end - ZIP64_LOCATOR_FIXED - ZIP64_END_FIXED) {
            return null;
        }
        ByteBuffer record = read(channel, at, ZIP64_END_FIXED);
        if (record.getInt(0) != ZIP64_END_SIG) {
            return null;
        }
        return new Zip64End(record.getLong(32), record.getLong(40), record.getLong(48), at);
    }

    /** How many entries the archive's end record declares; {@link #entries()} reads exactly these. */
    long declaredEntries() {
        return declaredEntries;
    }

    /** The entries of the central directory, in its order. */
    List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>((int) Math.min(declaredEntries, 1024));
        long pos = centralStart;
        for (long n = 0; n < declaredEntries; n++) {
            if (pos + CENTRAL_FIXED > centralEnd) {
                throw new ZipException("its central directory ends before the " + declaredEntries
                    + " entries its end record declares");
            }
            ByteBuffer h = read(channel, pos, CENTRAL_FIXED);
            if (h.getInt(0) != CENTRAL_SIG) {
                throw new ZipException("its central directory holds something that is not an entry at byte " + pos);
            }
            int flags = u16(h, 8);
            int method = u16(h, 10);
            long compressed = u32(h, 20);
            long size = u32(h, 24);
            int nameLength = u16(h, 28);
            int extraLength = u16(h, 30);
            int commentLength = u16(h, 32);
            long local = u32(h, 42);
            long next = pos + CENTRAL_FIXED + nameLength + extraLength + commentLength;
            if (next > centralEnd) {
                throw new ZipException("its central directory ends inside an entry");
            }
            String name = new String(read(channel, pos + CENTRAL_FIXED, nameLength).array(), StandardCharsets.UTF_8);
            if (size == U32_MAX || compressed == U32_MAX || local == U32_MAX) {
                ByteBuffer extra = read(channel, pos + CENTRAL_FIXED + nameLength, extraLength);
                long[] sizes = zip64(extra, size == U32_MAX, compressed == U32_MAX, local == U32_MAX, name);
                size = size == U32_MAX ? sizes[0] : size;
                compressed = compressed == U32_MAX ? sizes[1] : compressed;
                local = local == U32_MAX ? sizes[2] : local;
            }
            if (size < 0 || compressed < 0 || local < 0 || base + local >= centralStart) {
                throw new ZipException("entry " + name + " lies outside the archive's data");
            }
            out.add(new Entry(name, method, flags, compressed, size, local));
            pos = next;
        }
        if (pos != centralEnd) {
            throw new ZipException("its central directory holds more than the " + declaredEntries
                + " entries its end record declares");
        }
        return out;
    }

    /** The sizes and offset a zip64 extra field gives, each only where the directory's own field is full. */
    private static long[] zip64(ByteBuffer extra, boolean size, boolean compressed, boolean offset, String name)
        throws ZipException {
        int pos = 0;
        while (pos + 4 <= extra.limit()) {
            int id = u16(extra, pos);
            int length = u16(extra, pos + 2);
            if (pos + 4 + length > extra.limit()) {
                break;
            }
            if (id == ZIP64_EXTRA) {
                long[] out = new long[3];
                int at = pos + 4;
                int end = at + length;
                boolean[] wanted = {size, compressed, offset};
                for (int k = 0; k < 3; k++) {
                    if (wanted[k]) {
                        if (at + 8 > end) {
                            throw new ZipException("entry " + name + " has a zip64 field too short for its sizes");
                        }
                        out[k] = extra.getLong(at);
                        at += 8;
                    }
                }
                return out;
            }
            pos += 4 + length;
        }
        throw new ZipException("entry " + name + " has full 32-bit sizes and no zip64 field");
    }

    /** Opens an entry's data for reading: stored or deflated, from where its local header says it starts. */
    EntryStream open(Entry e) throws IOException {
        if ((e.flags() & FLAG_ENCRYPTED) != 0) {
            throw new ZipException("entry " + e.name() + " is encrypted");
        }
        if (e.method() != STORED && e.method() != DEFLATED) {
            throw new ZipException("entry " + e.name() + " uses compression method " + e.method()
                + "; only stored (0) and deflated (8) are read");
        }
        long local = base + e.localOffset();
        if (local + LOCAL_FIXED > centralStart) {
            throw new ZipException("entry " + e.name() + " has its local header outside the archive's data");
        }
        ByteBuffer h = read(channel, local, LOCAL_FIXED);
        if (h.getInt(0) != LOCAL_SIG) {
            throw new ZipException("entry " + e.name() + " has no local header where the central directory says");
        }
        long data = local + LOCAL_FIXED + u16(h, 26) + u16(h, 28);
        // the data ends where the directory says or where the archive's data does, whichever comes first: a size
        // claimed too large lets the inflater read no further than the directory, and what it really consumes counts
        long end = e.compressedSize() > centralStart - data ? centralStart : data + e.compressedSize();
        if (data > end) {
            throw new ZipException("entry " + e.name() + " has its data outside the archive's data");
        }
        if (e.method() == STORED) {
            if (e.compressedSize() != e.size()) {
                throw new ZipException("stored entry " + e.name() + " has two different sizes");
            }
            if (e.size() > centralStart - data) {
                throw new ZipException("stored entry " + e.name() + " runs past the archive's data");
            }
            return new EntryStream(e.name(), data, end, null);
        }
        return new EntryStream(e.name(), data, end, new Inflater(true));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * An entry's expanded bytes, counting the compressed bytes they took: for a deflated entry what the inflater
     * consumed, for a stored one what was read. Close it to free the inflater at once.
     */
    final class EntryStream extends InputStream {
        private final String name;
        private final long end;
        private final Inflater inflater;
        private final byte[] buffer;
        private long pos;
        private long storedRead;
        private boolean dummyGiven;

        private EntryStream(String name, long start, long end, Inflater inflater) {
            this.name = name;
            this.pos = start;
            this.end = end;
            this.inflater = inflater;
            this.buffer = inflater == null ? null : new byte[(int) Math.min(BUFFER, Math.max(1, end - start))];
        }

        /** The compressed bytes read from the archive so far: measured, never the directory's claim. */
        long compressedRead() {
            return inflater == null ? storedRead : inflater.getBytesRead();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (inflater == null) {
                int n = (int) Math.min(len, end - pos);
                if (n <= 0) {
                    return -1;
                }
                int got = readAt(ByteBuffer.wrap(b, off, n), pos);
                pos += got;
                storedRead += got;
                return got;
            }
            try {
                while (true) {
                    int n = inflater.inflate(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                    if (inflater.finished()) {
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw new ZipException("the data of " + name + " is damaged (it asks for a dictionary)");
                    }
                    if (inflater.needsInput()) {
                        fill();
                    }
                }
            } catch (DataFormatException e) {
                throw new ZipException("the data of " + name + " is damaged (" + e.getMessage() + ")");
            }
        }

        private void fill() throws IOException {
            int n = (int) Math.min(buffer.length, end - pos);
            if (n > 0) {
                int got = readAt(ByteBuffer.wrap(buffer, 0, n), pos);
                pos += got;
                inflater.setInput(buffer, 0, got);
            } else if (!dummyGiven) {
                // as ZipFile does: raw inflate may want one byte past the data to finish its last block
                dummyGiven = true;
                buffer[0] = 0;
                inflater.setInput(buffer, 0, 1);
            } else {
                throw new EOFException("the data of " + name + " ends before its deflate stream does");
            }
        }

        @Override
        public void close() {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    private int readAt(ByteBuffer into, long at) throws IOException {
        int total = 0;
        while (into.hasRemaining()) {
            int n = channel.read(into, at + total);
            if (n < 0) {
                if (total == 0) {
                    throw new EOFException("the archive ends inside its data");
                }
                break;
            }
            total += n;
        }
        return total;
    }

    private static ByteBuffer read(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, at + b.position()) < 0) {
                throw new ZipException("the archive ends where a header should be, at byte " + (at + b.position()));
            }
        }
        return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & U32_MAX;
    }
}
