package de.datenhafen.api;

import java.util.List;
import java.util.stream.Collectors;

/** The input is malformed or breaks a rule; nothing was changed. Answered with 400. */
public class InvalidInputException extends HubException {

    private final List<ConfigProblem> problems;

    public InvalidInputException(String message, String field) {
        super(message, field);
        this.problems = List.of(new ConfigProblem(field == null ? "" : field, message));
    }

    public InvalidInputException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("; ")),
            problems.isEmpty() ? null : problems.get(0).field());
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, the first of which names {@link #field()}. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
