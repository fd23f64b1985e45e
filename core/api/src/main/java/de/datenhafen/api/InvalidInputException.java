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

    /**
     * The one answer, hub-wide, to a request whose body is required but empty (as curl sends it when the file after
     * {@code @} is missing): {@code the request body is empty; send <expected>}, field {@code body}. Plugins with
     * error types of their own take its message and field.
     *
     * @param expected what the request should carry, e.g. {@code "one JSON object"}
     */
    public static InvalidInputException emptyBody(String expected) {
        return new InvalidInputException("the request body is empty; send " + expected, "body");
    }

    /** Every problem found, the first of which names {@link #field()}. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
