package de.datenhafen.plugins.transit.gtfs;

import java.util.Arrays;

/** A growable int array: no boxing while millions of rows are read. */
final class IntList {
    private int[] a;
    private int n;

    IntList(int capacity) {
        a = new int[Math.max(16, capacity)];
    }

    void add(int v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
        }
        a[n++] = v;
    }

    int get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }

    /** The backing array (may be longer than {@link #size()}). */
    int[] array() {
        return a;
    }

    int[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
