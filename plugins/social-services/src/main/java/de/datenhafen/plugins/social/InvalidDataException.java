package de.datenhafen.plugins.social;

import java.util.List;
import java.util.stream.Collectors;

/** Data that breaks HSDS rules; carries the problems found (the first thousand), and nothing was changed. */
final class InvalidDataException extends RuntimeException {

    private final transient List<Problem> problems;
    private final long total;
    private final boolean complete;

    InvalidDataException(List<Problem> problems) {
        super(total(problems) + " problem(s): " + problems.stream().limit(5).map(Problem::toString)
            .collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
        this.total = total(problems);
        this.complete = !(problems instanceof ProblemList p) || p.complete();
    }

    private static long total(List<Problem> problems) {
        return problems instanceof ProblemList p ? p.total() : problems.size();
    }

    /** The problems kept (at most {@link ProblemList#KEPT}). */
    List<Problem> problems() {
        return problems;
    }

    /** How many problems were found; more than {@link #problems()} holds when some were not kept. */
    long total() {
        return total;
    }

    /** False when the search for problems stopped early: there may be more than {@link #total()}. */
    boolean complete() {
        return complete;
    }
}
