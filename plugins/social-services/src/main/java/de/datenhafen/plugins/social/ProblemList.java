package de.datenhafen.plugins.social;

import java.util.ArrayList;
import java.util.Collection;

/**
 * The problems of one import: every one is counted, the first {@link #KEPT} are kept. A file of a million bad rows
 * would otherwise hold a million problems and answer with all of them. A search that stops once enough are kept
 * (the validation of services does) says so, and the total is then how many were found until then.
 */
final class ProblemList extends ArrayList<Problem> {

    static final int KEPT = 1000;

    private long total;
    private boolean complete = true;

    @Override
    public boolean add(Problem p) {
        total++;
        return size() < KEPT && super.add(p);
    }

    @Override
    public boolean addAll(Collection<? extends Problem> c) {
        boolean changed = false;
        for (Problem p : c) {
            changed |= add(p);
        }
        return changed;
    }

    /** How many problems were found, the ones not kept included. */
    long total() {
        return total;
    }

    /** Says that the search for problems stopped once enough were kept: {@link #total()} is then a lower bound. */
    void stoppedEarly() {
        complete = false;
    }

    boolean complete() {
        return complete;
    }
}
