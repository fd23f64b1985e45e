package de.datenhafen.core.plugin;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.RefusedException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a zip or jar, and refuses one that Java's two ways of reading zips would see differently.
 *
 * <p>{@code ZipFile} (class loaders, jar plugins) reads the central directory at the end of the file;
 * {@code ZipInputStream} (PF4J's unpacking, most unzip code) reads the local header in front of each entry. A crafted
 * archive shows one list of names to the first and another to the second. This reader takes the central directory and
 * then requires the local headers to tile the file in front of it exactly, each naming the same entry with the same
 * method, sizes and checksum, with no byte between them; and an entry's compressed data must end exactly where both
 * say. Then both readers see the same entries, and inspecting them here inspects what will be unpacked and loaded.
 * Zip64 archives (over 4 GB or 65,535 entries) are refused: no plugin needs one.
 *
 * <p>Memory is bounded: the archive's numbers never size an allocation beyond a name (at most
 * {@value #MAX_NAME_BYTES} bytes), and the entry list is bounded by {@link ArchiveLimits#maxEntries()}. Not thread
 * safe: one reader, one thread, one entry stream at a time.
 */
final class ZipReader implements Closeable {

    static final int MAX_NAME_BYTES = 1024;
    private static final int MAX_SEGMENT_BYTES = 255;

    private static final int LOCAL_SIG = 0x04034b50;
    private static final int CENTRAL_SIG = 0x02014b50;
    private static final int END_SIG = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int DESCRIPTOR_SIG = 0x08074b50;
    private static final int LOCAL_FIXED = 30;
    private static final int CENTRAL_FIXED = 46;
    private static final int END_FIXED = 22;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int FLAG_ENCRYPTED = 1;
    private static final int FLAG_DESCRIPTOR = 1 << 3;
    private static final int FLAG_STRONG_ENCRYPTION = 1 << 6;
    private static final int FLAG_MASKED_HEADERS = 1 << 13;
    private static final int UNIX_HOST = 3;
    private static final int S_IFMT = 0xF000;
    private static final int S_IFLNK = 0xA000;

    /**
     * One entry as both directories describe it.
     *
     * @param dataOffset where its compressed data starts
     */
    /** An entry as the central directory names it; {@code dosTime} its modification date and time, as stored. */
    record Entry(String name, int method, int flags, long crc, long compressedSize, long size, long localOffset,
                 long dataOffset, long dosTime) {

        /**
         * The earliest time a zip stores as a DOS time alone: {@code ZipEntry.setTimeLocal} adds an extended time
         * stamp in the machine's zone for anything before it (1980-01-01 00:00:00 included), which would make an
         * archive's bytes depend on where it was signed.
         */
        static final java.time.LocalDateTime EARLIEST = java.time.LocalDateTime.of(1980, 1, 1, 0, 0, 2);

        /** The entry's modification time as stored (a local date and time; {@link #EARLIEST} where it is none). */
        java.time.LocalDateTime modified() {
            int date = (int) (dosTime >>> 16);
            int time = (int) (dosTime & 0xFFFF);
            try {
                java.time.LocalDateTime at = java.time.LocalDateTime.of(((date >> 9) & 0x7F) + 1980, (date >> 5) & 0x0F,
                    date & 0x1F, (time >> 11) & 0x1F, (time >> 5) & 0x3F, (time & 0x1F) * 2);
                return at.isBefore(EARLIEST) ? EARLIEST : at;
            } catch (java.time.DateTimeException e) {
                return EARLIEST;
            }
        }

        boolean isDirectory() {
            return name.endsWith("/");
        }
    }

    /** How much the archives of one install have expanded so far, against the limits. */
    static final class Budget {
        private final ArchiveLimits limits;
        private long expanded;

        Budget(ArchiveLimits limits) {
            this.limits = limits;
        }

        ArchiveLimits limits() {
            return limits;
        }

        long expanded() {
            return expanded;
        }

        void add(long bytes) {
            expanded += bytes;
            if (expanded > limits.maxExpandedBytes()) {
                throw tooLarge();
            }
        }

        RefusedException tooLarge() {
            return new RefusedException("the plugin archive expands to more than " + bytes(limits.maxExpandedBytes())
                + " (" + ArchiveLimits.EXPANDED_KEY + ")", "archive");
        }
    }

    private final SeekableByteChannel channel;
    private final String label;
    private final List<Entry> entries;
    private final Budget budget;
    /** One inflater and input buffer for the entry streams, which come one at a time (a plugin jar has thousands). */
    private Inflater inflater;
    private byte[] input;
    private EntryStream streaming;

    private ZipReader(SeekableByteChannel channel, String label, List<Entry> entries, Budget budget) {
        this.channel = channel;
        this.label = label;
        this.entries = entries;
        this.budget = budget;
    }

    /** Opens and checks the archive at {@code path}; see {@link #open(SeekableByteChannel, String, Budget)}. */
    static ZipReader open(Path path, String label, Budget budget) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return open(channel, label, budget);
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Reads the directories of the archive in {@code channel} and checks that they agree, that every name stays inside
     * the folder it is unpacked to, and that the sizes they declare fit the budget. No entry is inflated yet.
     *
     * @param label null for the plugin archive itself, else the name of the jar inside it (for messages)
     * @throws InvalidInputException (400) if the plugin archive is not a zip at all
     * @throws RefusedException (422) if it is one the hub will not unpack, saying why
     */
    static ZipReader open(SeekableByteChannel channel, String label, Budget budget) throws IOException {
        List<Entry> entries = new Directory(channel, label, budget.limits()).read();
        long declared = 0;
        for (Entry e : entries) {
            declared += e.size();
            if (e.size() > ArchiveLimits.RATIO_FLOOR
                && e.size() > (long) budget.limits().maxRatio() * Math.max(1, e.compressedSize())) {
                throw tooCompressed(label, e.name(), budget.limits());
            }
        }
        if (budget.expanded() + declared > budget.limits().maxExpandedBytes()) {
            throw budget.tooLarge();
        }
        return new ZipReader(channel, label, entries, budget);
    }

    /** The entries in the order of the central directory. */
    List<Entry> entries() {
        return entries;
    }

    /** The entry of this name, or null. */
    Entry entry(String name) {
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The expanded bytes of {@code entry}, checked as they stream: never more than declared, within the budget and
     * the ratio, and at the end exactly the declared size and checksum, the compressed data consumed exactly.
     */
    InputStream open(Entry entry) {
        if (streaming != null) {
            throw new IllegalStateException("close the stream of " + quote(streaming.entry.name()) + " first");
        }
        if (input == null) {
            input = new byte[8192];
        }
        if (entry.method() == DEFLATED) {
            if (inflater == null) {
                inflater = new Inflater(true);
            } else {
                inflater.reset();
            }
        }
        streaming = new EntryStream(entry, entry.method() == DEFLATED ? inflater : null);
        return streaming;
    }

    /** Reads a small entry (a descriptor, a class file) into memory, refusing it above {@code max} bytes. */
    byte[] readSmall(Entry entry, int max, String what) throws IOException {
        if (entry.size() > max) {
            throw new RefusedException(describe(label, entry.name()) + " is larger than " + bytes(max)
                + ", too large for " + what, "archive");
        }
        byte[] bytes = new byte[(int) entry.size()];
        try (InputStream in = open(entry)) {
            // fewer bytes than declared, or more, and the stream refuses the entry (at its end, or at the extra byte)
            in.readNBytes(bytes, 0, bytes.length);
            if (in.read() != -1) {
                throw new IllegalStateException("entry streams end at their declared size");
            }
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        if (inflater != null) {
            inflater.end();
        }
        channel.close();
    }

    // ---- messages

    /** {@code archive entry 'x'} for the plugin archive, {@code entry 'x' of lib/y.jar} for a jar inside it. */
    static String describe(String label, String name) {
        return label == null ? "archive entry " + quote(name) : "entry " + quote(name) + " of " + label;
    }

    /** A name from an archive for a message or log line: quoted, control characters escaped, at most 200 signs. */
    static String quote(String name) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < name.length() && sb.length() < 200; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 200) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }

    static String bytes(long n) {
        long mib = 1024 * 1024;
        return n % mib == 0 ? n / mib + " MiB" : n + " bytes";
    }

    private static RefusedException tooCompressed(String label, String name, ArchiveLimits limits) {
        return new RefusedException(describe(label, name) + " expands to more than " + limits.maxRatio()
            + " times its compressed size (" + ArchiveLimits.RATIO_KEY + ")", "archive");
    }

    private static RefusedException disagree(String label, String detail) {
        return new RefusedException((label == null ? "the archive's" : label + "'s")
            + " local headers and central directory disagree: " + detail, "archive");
    }

    private static RefusedException damaged(String label, String detail) {
        return new RefusedException((label == null ? "the archive" : label) + " is damaged: " + detail, "archive");
    }

    // ---- the two directories

    /** Reads the central directory, then checks it against the local headers. */
    private static final class Directory {
        /**
         * Headers and names are read through one window of this many bytes: the central directory in a few reads,
         * the local headers of small entries together, instead of a read and a buffer for each header and name.
         */
        static final int WINDOW = 64 * 1024;

        private final SeekableByteChannel ch;
        private final String label;
        private final ArchiveLimits limits;
        private final long size;
        private final ByteBuffer window = ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
        private long windowStart;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

        Directory(SeekableByteChannel ch, String label, ArchiveLimits limits) throws IOException {
            this.ch = ch;
            this.label = label;
            this.limits = limits;
            this.size = ch.size();
            window.limit(0);
        }

        List<Entry> read() throws IOException {
            long end = findEnd();
            ByteBuffer eocd = at(end, END_FIXED);
            int disk = u16(eocd, 4);
            int centralDisk = u16(eocd, 6);
            int onDisk = u16(eocd, 8);
            int total = u16(eocd, 10);
            long centralSize = u32(eocd, 12);
            long centralOffset = u32(eocd, 16);
            if (total == 0xFFFF || centralSize == 0xFFFFFFFFL || centralOffset == 0xFFFFFFFFL
                || (end >= 20 && at(end - 20, 4).getInt(0) == ZIP64_LOCATOR_SIG)) {
                throw new RefusedException(name() + " is a zip64 archive; plugin archives must be plain zips "
                    + "(under 4 GB and 65,535 entries)", "archive");
            }
            if (disk != 0 || centralDisk != 0 || onDisk != total) {
                throw damaged(label, "it claims to span several disks");
            }
            if (total > limits.maxEntries()) {
                throw tooMany();
            }
            if (centralOffset + centralSize != end) {
                throw damaged(label, "its central directory is not where its end record says (a prefix or gap of "
                    + Math.abs(end - centralOffset - centralSize) + " bytes)");
            }
            List<Entry> central = readCentral(centralOffset, end, total);
            checkLocalHeaders(central, centralOffset);
            return List.copyOf(central);
        }

        private String name() {
            return label == null ? "the archive" : label;
        }

        private RefusedException tooMany() {
            return new RefusedException(name() + " has more than " + limits.maxEntries() + " entries ("
                + ArchiveLimits.ENTRIES_KEY + ")", "archive");
        }

        /**
         * The end record: the last signature in the file's tail, whose comment must reach exactly to the end (Java
         * tolerates padding after it in some cases; a plugin archive has no reason for any).
         */
        private long findEnd() throws IOException {
            if (size < END_FIXED) {
                throw notAZip("it has " + size + " bytes, fewer than any zip");
            }
            int tail = (int) Math.min(size, END_FIXED + 0xFFFF);
            ByteBuffer b = at(size - tail, tail);
            for (int i = tail - END_FIXED; i >= 0; i--) {
                if (b.getInt(i) == END_SIG) {
                    if (i + END_FIXED + u16(b, i + 20) != tail) {
                        throw damaged(label, "it has bytes after its end record");
                    }
                    return size - tail + i;
                }
            }
            throw notAZip("no end of central directory record");
        }

        private RuntimeException notAZip(String why) {
            if (label == null) {
                return new InvalidInputException("not a plugin archive: the body is not a zip or jar file (" + why
                    + ")", "archive");
            }
            return new RefusedException(label + " is not a zip or jar file (" + why + ")", "archive");
        }

        private List<Entry> readCentral(long offset, long end, int total) throws IOException {
            List<Entry> out = new ArrayList<>(Math.min(total, 1024));
            Set<String> names = new HashSet<>();
            long pos = offset;
            while (pos < end) {
                if (out.size() >= limits.maxEntries()) {
                    throw tooMany();
                }
                if (end - pos < CENTRAL_FIXED) {
                    throw damaged(label, "its central directory ends inside an entry");
                }
                ByteBuffer h = at(pos, CENTRAL_FIXED);
                if (h.getInt(0) != CENTRAL_SIG) {
                    throw damaged(label, "its central directory holds something that is not an entry at byte " + pos);
                }
                int madeBy = u16(h, 4);
                int flags = u16(h, 8);
                int method = u16(h, 10);
                long crc = u32(h, 16);
                long compressed = u32(h, 20);
                long expanded = u32(h, 24);
                int nameLength = u16(h, 28);
                int extraLength = u16(h, 30);
                int commentLength = u16(h, 32);
                int diskStart = u16(h, 34);
                long external = u32(h, 38);
                long local = u32(h, 42);
                long next = pos + CENTRAL_FIXED + nameLength + extraLength + commentLength;
                if (next > end) {
                    throw damaged(label, "its central directory ends inside an entry");
                }
                String name = name(pos + CENTRAL_FIXED, nameLength);
                checkName(name);
                if (!names.add(name)) {
                    throw new RefusedException(describe(label, name) + " appears twice", "archive");
                }
                if (compressed == 0xFFFFFFFFL || expanded == 0xFFFFFFFFL || local == 0xFFFFFFFFL
                    || diskStart == 0xFFFF) {
                    throw new RefusedException(describe(label, name) + " uses zip64 sizes; plugin archives must be "
                        + "plain zips", "archive");
                }
                if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS)) != 0) {
                    throw new RefusedException(describe(label, name) + " is encrypted", "archive");
                }
                if (method != STORED && method != DEFLATED) {
                    throw new RefusedException(describe(label, name) + " uses compression method " + method
                        + "; only stored (0) and deflated (8) are read", "archive");
                }
                if (method == STORED && compressed != expanded) {
                    throw damaged(label, "stored entry " + quote(name) + " has two different sizes");
                }
                if ((madeBy >> 8) == UNIX_HOST && ((external >>> 16) & S_IFMT) == S_IFLNK) {
                    throw new RefusedException(describe(label, name) + " is a symbolic link; plugin archives hold "
                        + "files and folders only", "archive");
                }
                if (name.endsWith("/") && expanded != 0) {
                    throw damaged(label, "folder entry " + quote(name) + " has content");
                }
                out.add(new Entry(name, method, flags, crc, compressed, expanded, local, -1, u32(h, 12)));
                pos = next;
            }
            if (out.size() != total) {
                throw disagree(label, "the end record counts " + total + " entries, the central directory holds "
                    + out.size());
            }
            return out;
        }

        /** Checks the local headers tile the file before the central directory and match it; sets data offsets. */
        private void checkLocalHeaders(List<Entry> central, long centralOffset) throws IOException {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < central.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparingLong(i -> central.get(i).localOffset()));
            long expected = 0;
            String previous = null;
            for (int i : order) {
                Entry e = central.get(i);
                if (e.localOffset() != expected) {
                    throw disagree(label, e.localOffset() > expected
                        ? (e.localOffset() - expected) + " bytes " + (previous == null ? "before the first entry"
                            : "after entry " + quote(previous)) + " belong to no listed entry"
                        : "entry " + quote(e.name()) + " overlaps entry " + quote(previous));
                }
                if (e.localOffset() + LOCAL_FIXED > centralOffset) {
                    throw damaged(label, "the local header of " + quote(e.name()) + " runs into the central directory");
                }
                ByteBuffer h = at(e.localOffset(), LOCAL_FIXED);
                if (h.getInt(0) != LOCAL_SIG) {
                    throw disagree(label, "there is no local header where the central directory puts entry "
                        + quote(e.name()));
                }
                int flags = u16(h, 6);
                int method = u16(h, 8);
                long crc = u32(h, 14);
                long compressed = u32(h, 18);
                long expanded = u32(h, 22);
                int nameLength = u16(h, 26);
                int extraLength = u16(h, 28);
                long data = e.localOffset() + LOCAL_FIXED + nameLength + extraLength;
                if (data > centralOffset) {
                    throw damaged(label, "the local header of " + quote(e.name()) + " runs into the central directory");
                }
                String localName = name(e.localOffset() + LOCAL_FIXED, nameLength);
                if (!localName.equals(e.name())) {
                    throw disagree(label, "entry " + quote(e.name()) + " is named " + quote(localName)
                        + " in its local header");
                }
                if (method != e.method()) {
                    throw disagree(label, "entry " + quote(e.name()) + " has compression method " + method
                        + " in its local header, " + e.method() + " in the central directory");
                }
                if ((flags & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR)) != (e.flags() & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR))) {
                    throw disagree(label, "entry " + quote(e.name()) + " has other flags in its local header");
                }
                boolean descriptor = (flags & FLAG_DESCRIPTOR) != 0;
                if (descriptor && method == STORED) {
                    // ZipInputStream cannot find the end of stored data without its size; it refuses such entries.
                    throw damaged(label, "stored entry " + quote(e.name()) + " has its sizes after its data");
                }
                if (!descriptor || crc != 0 || compressed != 0 || expanded != 0) {
                    sameNumbers(e, "local header", crc, compressed, expanded);
                }
                long dataEnd = data + e.compressedSize();
                if (dataEnd > centralOffset) {
                    throw damaged(label, "the data of entry " + quote(e.name()) + " runs into the central directory");
                }
                expected = dataEnd;
                if (descriptor) {
                    expected = checkDescriptor(e, dataEnd, centralOffset);
                }
                central.set(i, new Entry(e.name(), e.method(), e.flags(), e.crc(), e.compressedSize(), e.size(),
                    e.localOffset(), data, e.dosTime()));
                previous = e.name();
            }
            if (expected != centralOffset) {
                throw disagree(label, (centralOffset - expected) + " bytes "
                    + (previous == null ? "before the central directory" : "after entry " + quote(previous))
                    + " belong to no listed entry");
            }
        }

        /** The data descriptor after the entry's data, read as ZipInputStream reads it; returns where it ends. */
        private long checkDescriptor(Entry e, long at, long limit) throws IOException {
            if (at + 12 > limit) {
                throw damaged(label, "the data descriptor of " + quote(e.name()) + " runs into the central directory");
            }
            int length = at + 16 <= limit ? 16 : 12;
            ByteBuffer d = at(at, length);
            int base = d.getInt(0) == DESCRIPTOR_SIG && length == 16 ? 4 : 0;
            sameNumbers(e, "data descriptor", u32(d, base), u32(d, base + 4), u32(d, base + 8));
            return at + base + 12;
        }

        private void sameNumbers(Entry e, String where, long crc, long compressed, long expanded) {
            if (crc != e.crc() || compressed != e.compressedSize() || expanded != e.size()) {
                throw disagree(label, "entry " + quote(e.name()) + " has checksum " + Long.toHexString(crc)
                    + ", " + compressed + " compressed and " + expanded + " expanded bytes in its " + where + ", "
                    + Long.toHexString(e.crc()) + ", " + e.compressedSize() + " and " + e.size()
                    + " in the central directory");
            }
        }

        private String name(long pos, int length) throws IOException {
            if (length == 0) {
                throw new RefusedException(name() + " has an entry without a name", "archive");
            }
            if (length > MAX_NAME_BYTES) {
                throw new RefusedException(name() + " has an entry name of " + length + " bytes; at most "
                    + MAX_NAME_BYTES + " are read", "archive");
            }
            ByteBuffer b = at(pos, length);
            byte[] bytes = b.array();
            int from = b.arrayOffset() + b.position();
            boolean ascii = true;
            for (int i = from; i < from + length && ascii; i++) {
                ascii = bytes[i] >= 0;
            }
            if (ascii) { // almost every name: one copy, no decoder
                return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
            }
            try {
                return utf8.decode(b).toString();
            } catch (CharacterCodingException e) {
                throw new RefusedException(name() + " has an entry name that is not UTF-8", "archive");
            }
        }

        /** Every name must stay inside the folder it is unpacked to, read the way Windows or Unix would read it. */
        private void checkName(String name) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw new RefusedException(describe(label, name) + " has a control character in its name",
                        "archive");
                }
            }
            String path = name.replace('\\', '/');
            boolean escapes = path.startsWith("/") || (path.length() >= 2 && path.charAt(1) == ':');
            // the segments of the path without a trailing slash, walked by index (thousands of names per jar)
            int end = path.endsWith("/") ? path.length() - 1 : path.length();
            for (int from = 0; from <= end && !escapes; from = nextSegment(path, from, end) + 1) {
                escapes = path.startsWith("..", from) && nextSegment(path, from, end) == from + 2;
            }
            if (escapes) {
                throw new RefusedException(describe(label, name) + " escapes the plugin's folder", "archive");
            }
            if (name.indexOf('\\') >= 0) {
                throw new RefusedException(describe(label, name) + " has a backslash in its name, which Windows "
                    + "reads as a folder separator", "archive");
            }
            for (int from = 0; from <= end; ) {
                int to = nextSegment(path, from, end);
                if (to == from || (to == from + 1 && path.charAt(from) == '.')) {
                    throw new RefusedException(describe(label, name) + " has an empty or '.' folder in its name",
                        "archive");
                }
                // a char is at most 3 UTF-8 bytes (a surrogate pair 4 for 2), so only longer segments are counted
                if (3 * (to - from) > MAX_SEGMENT_BYTES
                    && path.substring(from, to).getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                    throw new RefusedException(describe(label, name) + " has a folder or file name longer than "
                        + MAX_SEGMENT_BYTES + " bytes", "archive");
                }
                from = to + 1;
            }
        }

        /** Where the segment of {@code path} that starts at {@code from} ends: the next slash, or {@code end}. */
        private static int nextSegment(String path, int from, int end) {
            int slash = path.indexOf('/', from);
            return slash < 0 || slash > end ? end : slash;
        }

        /**
         * {@code length} bytes from {@code pos}, little-endian, positioned at 0: a view of the window when they fit in
         * it (valid until the next call), else a buffer of their own.
         */
        private ByteBuffer at(long pos, int length) throws IOException {
            if (length > WINDOW) {
                return ZipReader.at(ch, pos, length);
            }
            if (pos < windowStart || pos + length > windowStart + window.limit()) {
                if (pos + length > size) {
                    throw new EOFException("the archive ended at byte " + size);
                }
                window.clear().limit((int) Math.min(WINDOW, size - pos));
                readFully(ch, pos, window);
                window.flip();
                windowStart = pos;
            }
            return window.slice((int) (pos - windowStart), length).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static ByteBuffer at(SeekableByteChannel ch, long pos, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pos, b);
        return b.flip();
    }

    private static void readFully(SeekableByteChannel ch, long pos, ByteBuffer target) throws IOException {
        ch.position(pos);
        while (target.hasRemaining()) {
            if (ch.read(target) < 0) {
                throw new EOFException("the archive ended at byte " + ch.position());
            }
        }
    }

    private static int u16(ByteBuffer b, int at) {
        return b.getShort(at) & 0xFFFF;
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFFFFFFL;
    }

    // ---- entry data

    /** The expanded bytes of one entry, checked as they stream (see {@link #open(Entry)}). */
    private final class EntryStream extends InputStream {
        private final Entry entry;
        private final Inflater inflater;
        private final CRC32 crc = new CRC32();
        private long position;
        private long remaining;
        private long produced;
        private boolean dummyFed;
        private boolean done;

        EntryStream(Entry entry, Inflater inflater) {
            this.entry = entry;
            this.position = entry.dataOffset();
            this.remaining = entry.compressedSize();
            this.inflater = inflater;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = inflater == null ? readStored(b, off, len) : readDeflated(b, off, len);
            if (n < 0) {
                finish();
                return -1;
            }
            produced += n;
            crc.update(b, off, n);
            if (produced > entry.size()) {
                throw disagreeSize();
            }
            budget.add(n);
            long consumed = entry.compressedSize() - remaining;
            if (produced > ArchiveLimits.RATIO_FLOOR && produced > (long) budget.limits().maxRatio() * consumed) {
                throw tooCompressed(label, entry.name(), budget.limits());
            }
            return n;
        }

        private int readStored(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            readFully(channel, position, ByteBuffer.wrap(b, off, n));
            position += n;
            remaining -= n;
            return n;
        }

        private int readDeflated(byte[] b, int off, int len) throws IOException {
            try {
                while (true) {
                    if (inflater.finished()) {
                        return -1;
                    }
                    if (inflater.needsDictionary()) {
                        throw damaged(label, "entry " + quote(entry.name()) + " is not plain deflate data");
                    }
                    if (inflater.needsInput()) {
                        fill();
                    }
                    int n = inflater.inflate(b, off, len);
                    if (n > 0) {
                        return n;
                    }
                }
            } catch (DataFormatException e) {
                throw damaged(label, "entry " + quote(entry.name()) + " is not valid deflate data");
            }
        }

        private void fill() throws IOException {
            if (remaining > 0) {
                int n = (int) Math.min(input.length, remaining);
                readFully(channel, position, ByteBuffer.wrap(input, 0, n));
                position += n;
                remaining -= n;
                inflater.setInput(input, 0, n);
            } else if (!dummyFed) {
                // As ZipFile does: zlib may want one byte past the raw deflate data to report its end.
                dummyFed = true;
                inflater.setInput(new byte[1], 0, 1);
            } else {
                throw damaged(label, "the compressed data of entry " + quote(entry.name()) + " ends too early");
            }
        }

        private void finish() {
            done = true;
            if (inflater != null) {
                // The dummy byte must be left over: if zlib took it, the data runs past the size the headers give.
                int unread = inflater.getRemaining() - (dummyFed ? 1 : 0);
                if (unread != 0 || remaining > 0) {
                    throw disagree(label, "the compressed data of entry " + quote(entry.name())
                        + " does not end where its headers say");
                }
            }
            if (produced != entry.size()) {
                throw disagreeSize();
            }
            if (crc.getValue() != entry.crc()) {
                throw damaged(label, "entry " + quote(entry.name()) + " does not match its checksum");
            }
        }

        private RefusedException disagreeSize() {
            return disagree(label, "entry " + quote(entry.name()) + " does not expand to the " + entry.size()
                + " bytes its headers give");
        }

        @Override
        public void close() {
            done = true;
            if (streaming == this) {
                streaming = null;
            }
        }
    }
}
