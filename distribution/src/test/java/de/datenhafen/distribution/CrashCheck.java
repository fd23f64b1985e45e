package de.datenhafen.distribution;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The crash test's judge, run in a JVM of its own with only the server's H2 jar (from its {@code lib/}) and this
 * class: it opens the hub's database file after the hub was killed, exactly as a restarted hub would (same URL, so
 * H2's recovery runs here), and compares the stored event ids with the ids each 2xx had acknowledged.
 *
 * <p>Ids are {@code c<round>-<n>}; the acknowledged ones come in a file of bit sets per round ({@link #write}). For
 * each round it prints {@code ROUND r acked=.. found=.. lost=.. duplicates=.. unacked_stored=..}: lost are acknowledged
 * ids not found, duplicates are ids found more than once, unacked_stored are ids stored whose answer never came (in
 * flight at the kill; allowed). Uses nothing but the JDK and H2, so it sees the file as the shipped H2 does.
 *
 * <pre>java -cp lib/h2-*.jar:test-classes de.datenhafen.distribution.CrashCheck JDBC_URL ACKED_FILE [data/db.key]</pre>
 *
 * <p>The third argument is the file with the hub's generated database password (the hub makes it at its first
 * start); without it the check logs in with an empty password, as hubs before it did. For a database other than the
 * hub's H2 file (PostgreSQL, with its driver on the class path instead of H2's) the login comes from the environment
 * variables {@value #USER_VARIABLE} and {@value #PASSWORD_VARIABLE}. With the bus on Kafka the events are in a topic,
 * not the database: {@link KafkaCrashCheck} reads them and reports through this class's tally.
 */
public final class CrashCheck {

    static final String USER_VARIABLE = "CRASH_CHECK_DB_USER";
    static final String PASSWORD_VARIABLE = "CRASH_CHECK_DB_PASSWORD";

    private CrashCheck() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Map<Integer, BitSet> acked = read(Path.of(args[1]));
        Tally tally = new Tally();
        long t0 = System.nanoTime();
        // each id is counted as it is read, never kept: the file may hold tens of millions of events
        String password = System.getenv(PASSWORD_VARIABLE) != null ? System.getenv(PASSWORD_VARIABLE)
            : args.length > 2 && Files.exists(Path.of(args[2])) ? Files.readString(Path.of(args[2])).trim() : "";
        String user = System.getenv(USER_VARIABLE) != null ? System.getenv(USER_VARIABLE) : "sa";
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement st = c.createStatement()) {
            c.setAutoCommit(false); // PostgreSQL streams a result set only inside a transaction
            st.setFetchSize(10_000);
            try (ResultSet rs = st.executeQuery("SELECT id FROM bus_event")) {
                while (rs.next()) {
                    tally.count(rs.getString(1));
                }
            }
            // the chunked log (bus.storage=chunks): each row of bus_chunk_data holds the events of one group commit
            long headerCount = 0;
            try (ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(event_count), 0) FROM bus_chunk")) {
                rs.next();
                headerCount = rs.getLong(1);
            }
            // one chunk at a time, as the hub reads them: H2 would gather a whole result in memory, and with large
            // events a gigabyte of chunks does not fit the checker's heap
            List<Long> keys = new ArrayList<>();
            // (on H2 an empty row follows the newest chunk's: see ChunkedEventLog.insert)
            try (ResultSet rs = st.executeQuery(
                "SELECT first_seq FROM bus_chunk_data WHERE OCTET_LENGTH(data) > 0 ORDER BY first_seq")) {
                while (rs.next()) {
                    keys.add(rs.getLong(1));
                }
            }
            long decoded = 0;
            try (PreparedStatement one = c.prepareStatement("SELECT data FROM bus_chunk_data WHERE first_seq = ?")) {
                for (long key : keys) {
                    one.setLong(1, key);
                    try (ResultSet rs = one.executeQuery()) {
                        while (rs.next()) {
                            List<String> chunk = chunkIds(rs.getBytes(1));
                            decoded += chunk.size();
                            chunk.forEach(tally::count);
                        }
                    }
                }
            }
            if (decoded != headerCount) {
                System.out.printf("CHUNK_MISMATCH headers=%d decoded=%d%n", headerCount, decoded);
            }
        }
        report(acked, tally, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Prints the verdict: a line {@code ROUND ...} per round (and {@code LOST ...} with the first lost ids), then
     * {@code TOTAL rows=.. scan_seconds=..}; {@code BusCrashIT} reads these lines.
     */
    static void report(Map<Integer, BitSet> acked, Tally tally, double seconds) {
        Map<Integer, BitSet> seen = tally.seen;
        Map<Integer, Long> duplicates = tally.duplicates;
        long rows = tally.rows;
        for (Map.Entry<Integer, BitSet> e : acked.entrySet()) {
            int round = e.getKey();
            BitSet a = e.getValue();
            BitSet s = seen.getOrDefault(round, new BitSet());
            BitSet lost = (BitSet) a.clone();
            lost.andNot(s);
            BitSet found = (BitSet) a.clone();
            found.and(s);
            BitSet unacked = (BitSet) s.clone();
            unacked.andNot(a);
            System.out.printf("ROUND %d acked=%d found=%d lost=%d duplicates=%d unacked_stored=%d%n", round,
                a.cardinality(), found.cardinality(), lost.cardinality(), duplicates.getOrDefault(round, 0L),
                unacked.cardinality());
            if (!lost.isEmpty()) {
                System.out.printf("LOST %d first ids: %s%n", round, lost.stream().limit(10)
                    .mapToObj(n -> "c" + round + "-" + n).toList());
            }
        }
        System.out.printf("TOTAL rows=%d scan_seconds=%.1f%n", rows, seconds);
    }

    /**
     * Which ids of the test's form ({@code c<round>-<n>}) were stored, per round, and which more than once; fed one
     * stored event at a time, by this check and by {@link KafkaCrashCheck}.
     */
    static final class Tally {
        final Map<Integer, BitSet> seen = new TreeMap<>();
        final Map<Integer, Long> duplicates = new TreeMap<>();
        long rows;

        void count(String id) {
            rows++;
            int dash = id.indexOf('-');
            if (!id.startsWith("c") || dash < 2) {
                return;
            }
            int round = Integer.parseInt(id, 1, dash, 10);
            int n = Integer.parseInt(id, dash + 1, id.length(), 10);
            BitSet s = seen.computeIfAbsent(round, r -> new BitSet());
            if (s.get(n)) {
                duplicates.merge(round, 1L, Long::sum);
            } else {
                s.set(n);
            }
        }
    }

    /**
     * The event ids in one chunk's bytes, read here independently of the hub's ChunkCodec (its format: a format byte,
     * 1 plain or 2 deflated; a string table; then per event seq delta, member, type, source, id as shared prefix plus
     * rest, subject, time, content type, data schema, extensions, data).
     */
    static List<String> chunkIds(byte[] stored) throws Exception {
        byte[] a;
        if (stored[0] == 1) {
            a = java.util.Arrays.copyOfRange(stored, 1, stored.length);
        } else {
            java.util.zip.Inflater inf = new java.util.zip.Inflater();
            inf.setInput(stored, 1, stored.length - 1);
            java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && inf.needsInput()) {
                    throw new IOException("truncated chunk");
                }
                bo.write(buf, 0, n);
            }
            inf.end();
            a = bo.toByteArray();
        }
        int[] pos = {0};
        long strings = varlong(a, pos);
        for (long i = 0; i < strings; i++) {
            int len = (int) varlong(a, pos);
            pos[0] += len;
        }
        long events = varlong(a, pos);
        List<String> out = new ArrayList<>();
        String prev = "";
        for (long k = 0; k < events; k++) {
            varlong(a, pos); // seq delta
            varlong(a, pos); // member
            varlong(a, pos); // type
            varlong(a, pos); // source
            int shared = (int) varlong(a, pos);
            int len = (int) varlong(a, pos);
            String id = prev.substring(0, shared)
                + new String(a, pos[0], len, java.nio.charset.StandardCharsets.UTF_8);
            pos[0] += len;
            prev = id;
            out.add(id);
            varlong(a, pos); // subject
            if (a[pos[0]++] == 1) {
                varlong(a, pos);
                varlong(a, pos);
                varlong(a, pos);
            }
            varlong(a, pos); // content type
            varlong(a, pos); // data schema
            for (int b = 0; b < 2; b++) { // extensions, data
                long n = varlong(a, pos);
                if (n > 0) {
                    pos[0] += (int) (n - 1);
                }
            }
        }
        return out;
    }

    private static long varlong(byte[] a, int[] pos) {
        long v = 0;
        int shift = 0;
        while (true) {
            byte b = a[pos[0]++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
            shift += 7;
        }
    }

    /** Writes the acknowledged ids: a count of rounds, then per round its number and its bit set's words. */
    static void write(Path file, Map<Integer, BitSet> acked) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.writeInt(acked.size());
            for (Map.Entry<Integer, BitSet> e : acked.entrySet()) {
                long[] words = e.getValue().toLongArray();
                out.writeInt(e.getKey());
                out.writeInt(words.length);
                for (long w : words) {
                    out.writeLong(w);
                }
            }
        }
    }

    static Map<Integer, BitSet> read(Path file) throws IOException {
        Map<Integer, BitSet> acked = new TreeMap<>();
        try (InputStream is = Files.newInputStream(file); DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
            int rounds = in.readInt();
            for (int i = 0; i < rounds; i++) {
                int round = in.readInt();
                long[] words = new long[in.readInt()];
                for (int w = 0; w < words.length; w++) {
                    words[w] = in.readLong();
                }
                acked.put(round, BitSet.valueOf(words));
            }
        }
        return acked;
    }
}
