package de.datenhafen.plugins.transit.gtfs;

import java.util.Arrays;

/** A growable byte array: no boxing while millions of rows are read. */
final class ByteList {
    private byte[] a;
    private int n;

    ByteList(int capacity) {
        a = new byte[Math.max(16, capacity)];
    }

    void add(byte v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
        }
        a[n++] = v;
    }

    byte get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }

    /** The backing array (may be longer than {@link #size()}). */
    byte[] array() {
        return a;
    }

    byte[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
