package de.datenhafen.core.bus;

/**
 * The keys of recently stored events, for removing duplicates: a 64-bit hash of (source, id) mapped to the event's
 * sequence, for the events stored within a time window, at most {@code maxKeys} of them (the oldest go first). About
 * 60 to 90 bytes of heap per key. A hit is only a candidate: the log compares source and id with the stored row, so a hash
 * collision never drops an event.
 *
 * <p>Why a window and not a database index: an index on (source, id) takes random inserts, and H2's copy-on-write
 * B-tree then rewrites about one index page (~1 KB) per stored event; that alone cut throughput to a tenth and grew the
 * file to over 1 KB per event. Brokers dedup the same way (NATS JetStream's duplicate window, Azure Service Bus's
 * duplicate detection window, SQS FIFO's five minutes).
 *
 * <p>Not thread-safe: the database logs use it from their writer thread only, {@link KafkaEventLog} under a lock
 * (its writer, Kafka's producer thread and its follower all use it).
 */
final class DedupWindow {

    private static final long EMPTY = 0;

    private final long windowMillis;
    private final int maxKeys;

    // open addressing, linear probing; a hash of 0 is stored as 1 (EMPTY marks a free slot). Slot i is the pair
    // table[2i] (key) and table[2i + 1] (value): with half a million keys the table is tens of megabytes, every look-up
    // misses the caches, and a key next to its value is one miss where two arrays were two.
    private long[] table;
    private int size;
    private int mask;

    // insertion order, for eviction: a ring of (hash, seq, storedAt)
    private long[] ringHash;
    private long[] ringSeq;
    private long[] ringTime;
    private int head;
    private int count;

    DedupWindow(long windowMillis, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
        this.windowMillis = windowMillis;
        this.maxKeys = maxKeys;
        int cap = 1024;
        table = new long[2 * cap];
        mask = cap - 1;
        ringHash = new long[256];
        ringSeq = new long[256];
        ringTime = new long[256];
    }

    int size() {
        return count;
    }

    /** The sequence of a recent event with this key hash, or -1. */
    long get(long hash) {
        long k = hash == EMPTY ? 1 : hash;
        for (int i = slot(k); ; i = (i + 1) & mask) {
            long at = table[2 * i];
            if (at == EMPTY) {
                return -1;
            }
            if (at == k) {
                return table[2 * i + 1];
            }
        }
    }

    /** Records a stored event; evicts what fell out of the window. */
    void add(long hash, long seq, long storedAtMillis) {
        append(hash, seq, storedAtMillis);
        put(hash == EMPTY ? 1 : hash, seq);
        evict(storedAtMillis);
    }

    /**
     * {@link #add}, unless the window already maps this hash to this sequence: the Kafka log hears of its own events
     * twice (Kafka's acknowledgement and its follower), and a second entry in the ring would count twice against
     * {@code maxKeys}.
     */
    boolean addIfNew(long hash, long seq, long storedAtMillis) {
        if (get(hash) == seq) {
            return false;
        }
        add(hash, seq, storedAtMillis);
        return true;
    }

    /**
     * Records the first {@code n} stored events of a group commit, as {@code n} calls of {@link #add} would, but
     * evicts first and then puts all: each step is a short loop of independent look-ups in a table too large for the
     * caches, whose misses the processor can then wait for side by side.
     */
    void addAll(long[] hashes, long[] seqs, int n, long storedAtMillis) {
        evict(storedAtMillis, n);
        for (int i = 0; i < n; i++) {
            append(hashes[i], seqs[i], storedAtMillis);
        }
        for (int i = 0; i < n; i++) {
            put(hashes[i] == EMPTY ? 1 : hashes[i], seqs[i]);
        }
        evict(storedAtMillis);
    }

    private void append(long hash, long seq, long storedAtMillis) {
        if (count == ringHash.length) {
            growRing();
        }
        int tail = (head + count) % ringHash.length;
        ringHash[tail] = hash;
        ringSeq[tail] = seq;
        ringTime[tail] = storedAtMillis;
        count++;
    }

    /** Drops keys older than the window, measured from {@code nowMillis}, and keys over the maximum. */
    void evict(long nowMillis) {
        evict(nowMillis, 0);
    }

    /** {@link #evict(long)}, leaving room for {@code room} more keys under the maximum. */
    private void evict(long nowMillis, int room) {
        while (count > 0 && ((long) count + room > maxKeys || ringTime[head] < nowMillis - windowMillis)) {
            removeIfMapsTo(ringHash[head] == EMPTY ? 1 : ringHash[head], ringSeq[head]);
            head = (head + 1) % ringHash.length;
            count--;
        }
    }

    private int slot(long k) {
        return (int) (mix(k) & mask);
    }

    /** Spreads a key hash's bits for picking a slot (MurmurHash3's finalizer, first half). */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }

    private int capacity() {
        return mask + 1;
    }

    private void put(long k, long v) {
        if ((size + 1) * 2 > capacity()) {
            rehash(capacity() * 2);
        }
        for (int i = slot(k); ; i = (i + 1) & mask) {
            long at = table[2 * i];
            if (at == EMPTY) {
                table[2 * i] = k;
                table[2 * i + 1] = v;
                size++;
                return;
            }
            if (at == k) {
                table[2 * i + 1] = v;
                return;
            }
        }
    }

    /**
     * Removes key {@code k} if it still maps to {@code seq} (a later event with the same key hash replaced it
     * otherwise): one probe of the table, where a look-up and then a removal were two, each a cache miss in a table of
     * half a million keys (the eviction was 5 % of the hub's CPU under the harness's load).
     */
    private void removeIfMapsTo(long k, long seq) {
        int i = slot(k);
        while (table[2 * i] != k) {
            if (table[2 * i] == EMPTY) {
                return;
            }
            i = (i + 1) & mask;
        }
        if (table[2 * i + 1] != seq) {
            return;
        }
        // backward-shift deletion keeps probe chains intact without tombstones
        int gap = i;
        for (int j = (gap + 1) & mask; table[2 * j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(table[2 * j]);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                table[2 * gap] = table[2 * j];
                table[2 * gap + 1] = table[2 * j + 1];
                gap = j;
            }
        }
        table[2 * gap] = EMPTY;
        table[2 * gap + 1] = 0;
        size--;
        if (capacity() > 1024 && size * 8 < capacity()) {
            rehash(capacity() / 2);
        }
    }

    private void rehash(int capacity) {
        long[] old = table;
        table = new long[2 * capacity];
        mask = capacity - 1;
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                put(old[i], old[i + 1]);
            }
        }
    }

    private void growRing() {
        int n = ringHash.length * 2;
        long[] h = new long[n];
        long[] s = new long[n];
        long[] t = new long[n];
        for (int i = 0; i < count; i++) {
            int from = (head + i) % ringHash.length;
            h[i] = ringHash[from];
            s[i] = ringSeq[from];
            t[i] = ringTime[from];
        }
        ringHash = h;
        ringSeq = s;
        ringTime = t;
        head = 0;
    }

    @Override
    public String toString() {
        return "DedupWindow{" + count + " keys, window " + windowMillis + " ms, max " + maxKeys + "}";
    }
}
