package de.datenhafen.plugins.social;

import java.util.List;
import java.util.stream.Collectors;

/** Data that breaks HSDS rules; carries every problem found, and nothing was changed. */
final class InvalidDataException extends RuntimeException {

    private final transient List<Problem> problems;

    InvalidDataException(List<Problem> problems) {
        super(problems.size() + " problem(s): " + problems.stream().limit(5).map(Problem::toString)
            .collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    List<Problem> problems() {
        return problems;
    }
}
