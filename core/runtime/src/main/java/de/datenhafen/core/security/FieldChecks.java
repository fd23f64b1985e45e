package de.datenhafen.core.security;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The checks of a form's fields, all made before the answer: each field's refusal is noted and the next field checked,
 * so that a person sees every field that is wrong at once (the forms said one problem a time: fix it, send, read the
 * next). One refusal is thrown as it was; several as one {@link InvalidInputException} of their problems, each with
 * its field, words and code, the first one's field leading.
 */
public final class FieldChecks {

    private final List<InvalidInputException> refused = new ArrayList<>();

    /** The checked value, or null when the check refused it (noted). */
    public <T> T check(Supplier<T> check) {
        try {
            return check.get();
        } catch (InvalidInputException e) {
            refused.add(e);
            return null;
        }
    }

    /** Notes a refusal found without a check of its own. */
    public void refuse(InvalidInputException e) {
        refused.add(e);
    }

    /** Throws what was refused, if anything. */
    public void done() {
        if (refused.size() == 1) {
            throw refused.get(0);
        }
        if (refused.size() > 1) {
            List<ConfigProblem> problems = new ArrayList<>();
            for (InvalidInputException e : refused) {
                if (e.problems().size() == 1) {
                    ConfigProblem p = e.problems().get(0);
                    problems.add(new ConfigProblem(p.field(), p.message(), e.code(), e.code() == null ? List.of()
                        : Arrays.asList(e.args())));
                } else {
                    problems.addAll(e.problems());
                }
            }
            throw new InvalidInputException(problems);
        }
    }
}
