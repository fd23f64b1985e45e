package de.datenhafen.plugins.transit.gtfs;

import java.util.Arrays;

/** A growable double array: no boxing while millions of rows are read. */
final class DoubleList {
    private double[] a;
    private int n;

    DoubleList(int capacity) {
        a = new double[Math.max(16, capacity)];
    }

    void add(double v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
        }
        a[n++] = v;
    }

    double get(int i) {
        return a[i];
    }

    int size() {
        return n;
    }

    /** The backing array (may be longer than {@link #size()}). */
    double[] array() {
        return a;
    }

    double[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
