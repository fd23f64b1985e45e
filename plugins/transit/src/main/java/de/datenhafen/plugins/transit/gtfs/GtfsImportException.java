package de.datenhafen.plugins.transit.gtfs;

import java.util.List;

/** An import that could not complete; the previous timetable stays in place. Carries the problems found so far. */
public final class GtfsImportException extends RuntimeException {

    private final transient List<GtfsProblem> problems;

    public GtfsImportException(String message, List<GtfsProblem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public List<GtfsProblem> problems() {
        return problems;
    }
}
