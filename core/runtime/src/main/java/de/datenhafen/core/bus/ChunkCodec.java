package de.datenhafen.core.bus;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The bytes of one chunk of {@link ChunkedEventLog}: the events of one group commit, compactly.
 *
 * <pre>
 * chunk   = format(1 byte: 1 plain, 2 deflated) payload
 * payload = varint strings, string*        (the chunk's table: members, types, sources, subjects, content types,
 *                                           data schemas, each once)
 *           varint events, event*
 * event   = varint seq - previous seq      (previous starts at first_seq - 1)
 *           varint member, type, source    (table indexes)
 *           varint shared, string          (id: characters shared with the previous id, then the rest)
 *           varint subject+1               (0: none; likewise below)
 *           byte timeFlag [zigzag epochSecond - stored_at's, varint nanos, zigzag offset seconds]
 *           varint contentType+1, varint dataSchema+1
 *           varint length+1, bytes         (extensions as a JSON object, as in bus_event; 0: none)
 *           varint length+1, bytes         (data; 0: none)
 * string  = varint length, UTF-8 bytes
 * </pre>
 *
 * Decoding rebuilds the envelope with the SDK's {@link CloudEventBuilder}, exactly as {@link EventRows} does for a
 * row, so both storages give back equal events.
 */
final class ChunkCodec {

    private static final byte PLAIN = 1;
    private static final byte DEFLATED = 2;

    private ChunkCodec() {
    }

    /** One encoded chunk: the stored bytes and the plain payload (kept for the cache: no inflate on a hit). */
    record Encoded(byte[] stored, byte[] plain, Map<String, Integer> typeCounts) {
    }

    /**
     * Encodes events (ascending sequences, all within the chunk) of a chunk starting at {@code firstSeq}, with buffers
     * of its own; a writer that encodes chunk after chunk keeps an {@link Encoder}.
     */
    static Encoded encode(long firstSeq, OffsetDateTime storedAt, List<StoredEvent> events, boolean deflate) {
        try (Encoder e = new Encoder(events.size())) {
            return e.encode(firstSeq, storedAt, events, deflate);
        }
    }

    /**
     * Encodes chunk after chunk with the same buffers, string table and deflater: one per writer thread, not
     * thread-safe. New buffers and a new zlib stream for every group commit were a fifth of the bytes the hub allocated
     * under the harness's load (a JFR profile of {@code POST /api/v1/events}), all on the one writer thread.
     */
    static final class Encoder implements AutoCloseable {
        /** A buffer grown past this by a large chunk is let go after it, so one burst does not hold memory for ever. */
        private static final int KEEP_BYTES = 1 << 20;

        private final Buf body;
        private final Buf head;
        private final Buf packed;
        private final Strings strings = new Strings();
        private Deflater deflater;

        /** For chunk after chunk: buffers for about a hundred events to start with. */
        Encoder() {
            this(100);
        }

        /** Buffers sized for about {@code events} events (the Kafka log encodes one at a time). */
        Encoder(int events) {
            body = new Buf(Math.max(64, Math.min(events, 100) * 160));
            head = new Buf(Math.max(32, Math.min(events, 100) * 40));
            packed = new Buf(Math.max(32, Math.min(events, 100) * 80));
        }

        Encoded encode(long firstSeq, OffsetDateTime storedAt, List<StoredEvent> events, boolean deflate) {
            try {
                return encodeOnce(firstSeq, storedAt, events, deflate);
            } finally {
                body.reset(KEEP_BYTES);
                head.reset(KEEP_BYTES);
                packed.reset(KEEP_BYTES);
                strings.clear();
            }
        }

        private Encoded encodeOnce(long firstSeq, OffsetDateTime storedAt, List<StoredEvent> events, boolean deflate) {
            Map<String, Integer> typeCounts = new LinkedHashMap<>();
            long storedSecond = storedAt.toEpochSecond();
            long prev = firstSeq - 1;
            String prevId = "";
            for (StoredEvent se : events) {
                CloudEvent ce = se.event();
                body.varlong(se.sequence() - prev);
                prev = se.sequence();
                body.varint(strings.index(se.member()));
                body.varint(strings.index(ce.getType()));
                typeCounts.merge(ce.getType(), 1, Integer::sum);
                body.varint(strings.index(ce.getSource().toString()));
                String id = ce.getId();
                int shared = sharedPrefix(prevId, id);
                body.varint(shared);
                body.string(id, shared);
                prevId = id;
                body.varint(ce.getSubject() == null ? 0 : strings.index(ce.getSubject()) + 1);
                OffsetDateTime t = ce.getTime();
                if (t == null) {
                    body.put(0);
                } else {
                    body.put(1);
                    body.varlong(zigzag(t.toEpochSecond() - storedSecond));
                    body.varint(t.getNano());
                    body.varlong(zigzag(t.getOffset().getTotalSeconds()));
                }
                body.varint(ce.getDataContentType() == null ? 0 : strings.index(ce.getDataContentType()) + 1);
                body.varint(ce.getDataSchema() == null ? 0 : strings.index(ce.getDataSchema().toString()) + 1);
                String ext = EventRows.extensionsJson(ce);
                body.bytesOrNull(ext == null ? null : ext.getBytes(StandardCharsets.UTF_8));
                CloudEventData data = ce.getData();
                body.bytesOrNull(data == null ? null : data.toBytes());
            }
            head.varint(strings.size);
            for (int i = 0; i < strings.size; i++) {
                head.string(strings.list[i], 0);
            }
            head.varint(events.size());
            byte[] plain = new byte[head.len + body.len];
            System.arraycopy(head.a, 0, plain, 0, head.len);
            System.arraycopy(body.a, 0, plain, head.len, body.len);
            byte[] stored;
            if (deflate) {
                Deflater d = deflater();
                d.setInput(plain);
                d.finish();
                packed.put(DEFLATED);
                while (!d.finished()) {
                    packed.ensure(Math.max(4096, plain.length / 4));
                    packed.len += d.deflate(packed.a, packed.len, packed.a.length - packed.len);
                }
                stored = packed.toArray();
            } else {
                stored = new byte[plain.length + 1];
                stored[0] = PLAIN;
                System.arraycopy(plain, 0, stored, 1, plain.length);
            }
            return new Encoded(stored, plain, typeCounts);
        }

        private Deflater deflater() {
            if (deflater == null) {
                deflater = new Deflater(Deflater.BEST_SPEED);
            } else {
                deflater.reset();
            }
            return deflater;
        }

        /** Frees the deflater's native memory. */
        @Override
        public void close() {
            if (deflater != null) {
                deflater.end();
                deflater = null;
            }
        }
    }

    /** The plain payload of stored chunk bytes. */
    static byte[] plain(byte[] stored) {
        if (stored[0] == PLAIN) {
            byte[] p = new byte[stored.length - 1];
            System.arraycopy(stored, 1, p, 0, p.length);
            return p;
        }
        if (stored[0] != DEFLATED) {
            throw new IllegalStateException("unknown chunk format " + stored[0]);
        }
        Inflater inf = new Inflater();
        try {
            inf.setInput(stored, 1, stored.length - 1);
            ByteArrayOutputStream bo = new ByteArrayOutputStream(stored.length * 4);
            byte[] buf = new byte[64 * 1024];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalStateException("truncated chunk");
                }
                bo.write(buf, 0, n);
            }
            return bo.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt chunk: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    /** The events of a plain payload, in sequence order. */
    static StoredEvent[] decode(byte[] plain, long firstSeq, OffsetDateTime storedAt) {
        Reader r = new Reader(plain);
        int nStrings = r.varint();
        String[] strings = new String[nStrings];
        for (int i = 0; i < nStrings; i++) {
            strings[i] = r.string();
        }
        URI[] uris = new URI[nStrings];
        int n = r.varint();
        StoredEvent[] out = new StoredEvent[n];
        long storedSecond = storedAt.toEpochSecond();
        long seq = firstSeq - 1;
        String prevId = "";
        for (int k = 0; k < n; k++) {
            seq += r.varlong();
            String member = strings[r.varint()];
            String type = strings[r.varint()];
            int src = r.varint();
            if (uris[src] == null) {
                uris[src] = URI.create(strings[src]);
            }
            int shared = r.varint();
            String id = prevId.substring(0, shared) + r.string();
            prevId = id;
            CloudEventBuilder b = CloudEventBuilder.v1().withId(id).withSource(uris[src]).withType(type);
            int subject = r.varint();
            if (subject > 0) {
                b.withSubject(strings[subject - 1]);
            }
            if (r.get() == 1) {
                long second = storedSecond + unzigzag(r.varlong());
                int nanos = r.varint();
                ZoneOffset offset = ZoneOffset.ofTotalSeconds((int) unzigzag(r.varlong()));
                b.withTime(Times.at(second, nanos, offset));
            }
            int contentType = r.varint();
            if (contentType > 0) {
                b.withDataContentType(strings[contentType - 1]);
            }
            int schema = r.varint();
            if (schema > 0) {
                b.withDataSchema(URI.create(strings[schema - 1]));
            }
            byte[] ext = r.bytesOrNull();
            byte[] data = r.bytesOrNull();
            if (data != null) {
                b.withData(data);
            }
            if (ext != null) {
                EventRows.applyExtensions(b, new String(ext, StandardCharsets.UTF_8));
            }
            out[k] = new StoredEvent(seq, member, b.build());
        }
        return out;
    }

    /**
     * The source and id of a chunk's first event, read without decoding the event (the Kafka log's follower needs
     * only these of each record: building the CloudEvent cost several times more, see docs/operations.md).
     */
    static GroupCommitLog.Key firstKey(byte[] stored) {
        boolean plain = stored[0] == PLAIN;
        Reader r = new Reader(plain ? stored : plain(stored));
        r.pos = plain ? 1 : 0;
        int nStrings = r.varint();
        int[] starts = new int[nStrings];
        for (int i = 0; i < nStrings; i++) {
            starts[i] = r.pos;
            int n = r.varint();
            r.pos += n;
        }
        if (r.varint() < 1) {
            throw new IllegalStateException("a chunk without events");
        }
        r.varlong(); // seq
        r.varint(); // member
        r.varint(); // type
        int src = r.varint();
        r.varint(); // shared with the previous id: none for the first
        String id = r.string();
        r.pos = starts[src];
        return new GroupCommitLog.Key(r.string(), id);
    }

    /** The chunk's types with their counts, as kept in {@code bus_chunk.types}: one "count type" a line. */
    static String typesColumn(Map<String, Integer> typeCounts) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Integer> e : typeCounts.entrySet()) {
            sb.append(e.getValue()).append(' ')
                .append(e.getKey().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        }
        return sb.toString();
    }

    static Map<String, Integer> parseTypes(String column) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int from = 0;
        while (from < column.length()) {
            int nl = column.indexOf('\n', from);
            int sp = column.indexOf(' ', from);
            String type = column.substring(sp + 1, nl);
            if (type.indexOf('\\') >= 0) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < type.length(); i++) {
                    char ch = type.charAt(i);
                    if (ch == '\\' && i + 1 < type.length()) {
                        char next = type.charAt(++i);
                        sb.append(next == 'n' ? '\n' : next);
                    } else {
                        sb.append(ch);
                    }
                }
                type = sb.toString();
            }
            out.put(type, Integer.parseInt(column, from, sp, 10));
            from = nl + 1;
        }
        return out;
    }

    /**
     * The chunk's table of strings: each string's index in the order first seen. Not a {@code HashMap}: the sources
     * and subjects of one sender differ in their last characters ({@code /sensors/co2-s0001} to {@code -s2500}), whose
     * {@code String.hashCode}s then crowd into few of a hash map's buckets; the map turned those into trees, and the
     * table's look-ups were 5 % of the hub's CPU under the harness's load, on the one writer thread. Here the hash is
     * mixed before it picks a slot (open addressing, linear probing, at most half full).
     */
    private static final class Strings {
        /** A table grown past this many slots by one chunk starts small again for the next. */
        private static final int KEEP_SLOTS = 1 << 14;

        String[] list = new String[64];
        int size;
        private String[] keys = new String[128];
        private int[] indexes = new int[128];

        /** Forgets every string, for the next chunk. */
        void clear() {
            if (keys.length > KEEP_SLOTS) {
                list = new String[64];
                keys = new String[128];
                indexes = new int[128];
            } else {
                java.util.Arrays.fill(list, 0, size, null);
                java.util.Arrays.fill(keys, null);
            }
            size = 0;
        }

        int index(String s) {
            int mask = keys.length - 1;
            for (int i = slot(s.hashCode(), mask); ; i = (i + 1) & mask) {
                String k = keys[i];
                if (k == null) {
                    return add(s, i);
                }
                if (k.equals(s)) {
                    return indexes[i];
                }
            }
        }

        private int add(String s, int slot) {
            if (size == list.length) {
                list = java.util.Arrays.copyOf(list, size * 2);
            }
            list[size] = s;
            keys[slot] = s;
            indexes[slot] = size;
            if (++size * 2 > keys.length) {
                grow();
            }
            return size - 1;
        }

        private void grow() {
            String[] oldKeys = keys;
            int[] oldIndexes = indexes;
            keys = new String[oldKeys.length * 2];
            indexes = new int[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != null) {
                    int i = slot(oldKeys[j].hashCode(), mask);
                    while (keys[i] != null) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    indexes[i] = oldIndexes[j];
                }
            }
        }

        private static int slot(int hash, int mask) {
            int h = hash * 0x9E3779B9; // every bit of the hash moves the upper bits, which are then folded down
            return (h ^ (h >>> 16)) & mask;
        }
    }

    private static int sharedPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (i > 0 && Character.isHighSurrogate(b.charAt(i - 1))) {
            i--; // never split a surrogate pair
        }
        return i;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** A growable byte buffer with varints. */
    private static final class Buf {
        byte[] a;
        int len;

        Buf(int cap) {
            a = new byte[cap];
        }

        void ensure(int more) {
            if (len + more > a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, len + more));
            }
        }

        void put(int b) {
            ensure(1);
            a[len++] = (byte) b;
        }

        void varint(int v) {
            varlong(v & 0xffffffffL);
        }

        void varlong(long v) {
            ensure(10);
            while ((v & ~0x7fL) != 0) {
                a[len++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            a[len++] = (byte) v;
        }

        /** {@code s} from {@code from} on, as a varint length and UTF-8; ASCII without a copy of the string. */
        void string(String s, int from) {
            int n = s.length();
            for (int i = from; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    byte[] b = s.substring(from).getBytes(StandardCharsets.UTF_8);
                    varint(b.length);
                    raw(b);
                    return;
                }
            }
            varint(n - from);
            ensure(n - from);
            for (int i = from; i < n; i++) {
                a[len++] = (byte) s.charAt(i);
            }
        }

        /** Empties the buffer; one grown past {@code keep} bytes starts small again. */
        void reset(int keep) {
            len = 0;
            if (a.length > keep) {
                a = new byte[keep / 16];
            }
        }

        void bytesOrNull(byte[] b) {
            if (b == null) {
                varint(0);
            } else {
                varint(b.length + 1);
                raw(b);
            }
        }

        void raw(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, a, len, b.length);
            len += b.length;
        }

        byte[] toArray() {
            return java.util.Arrays.copyOf(a, len);
        }
    }

    private static final class Reader {
        final byte[] a;
        int pos;

        Reader(byte[] a) {
            this.a = a;
        }

        int get() {
            return a[pos++];
        }

        int varint() {
            return (int) varlong();
        }

        long varlong() {
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = a[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        String string() {
            int n = varint();
            String s = new String(a, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        byte[] bytesOrNull() {
            int n = varint();
            if (n == 0) {
                return null;
            }
            byte[] b = java.util.Arrays.copyOfRange(a, pos, pos + n - 1);
            pos += n - 1;
            return b;
        }
    }
}
