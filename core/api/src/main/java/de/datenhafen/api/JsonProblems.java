package de.datenhafen.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import java.util.ArrayList;
import java.util.List;

/**
 * What Jackson's parser says is wrong with a body, as a client may read it: without the names of Jackson's classes and
 * settings (it quotes them in backticks) and its source descriptions, and with where in the body when it knows. For a
 * plugin that reads JSON from outside with the hub's Jackson; together with {@link Utf8} for the rules beyond syntax.
 *
 * @since 1.6
 */
public final class JsonProblems {

    private JsonProblems() {
    }

    /**
     * The parser's complaint: {@code Unexpected character ('n' (code 110)): was expecting double-quote to start field
     * name (line 1, column 2)}.
     */
    public static String said(JsonProcessingException e) {
        String said = String.valueOf(e.getOriginalMessage())
            .replaceAll(", from `[^`]*`\\)", ")")
            .replaceAll("\\s*\\((?:for [A-Za-z ]+ starting|start marker) at \\[Source: [^\\]]*\\]\\)", "")
            .replaceAll("\\s*\\[Source: [^\\]]*\\]", "");
        int cut = said.indexOf('\n');
        JsonLocation at = e.getLocation();
        return (cut >= 0 ? said.substring(0, cut) : said).strip() + (at == null || at.getLineNr() < 1 ? ""
            : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    }

    /**
     * The place of context {@code c}'s current value in the body, as a refusal's field names it: {@code
     * sensor.readings[2]}; empty for the body's value itself. Names longer than 64 characters and paths longer than
     * 200 are cut, saying how long they were (a body may nest long names deeply).
     */
    public static String path(JsonStreamContext c) {
        List<String> steps = new ArrayList<>(); // innermost first
        for (; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                String name = c.getCurrentName();
                steps.add(name.length() <= 64 ? name : name.substring(0, 64) + "... (" + name.length()
                    + " characters)");
            } else if (c.inArray()) {
                steps.add("[" + c.getCurrentIndex() + "]");
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = steps.size() - 1; i >= 0; i--) {
            String step = steps.get(i);
            out.append(out.length() == 0 || step.startsWith("[") ? "" : ".").append(step);
        }
        String path = out.toString();
        return path.length() <= 200 ? path : path.substring(0, 200) + "... (" + path.length() + " characters)";
    }

    /** A character as its JSON escape, {@code \ud800}. */
    public static String escape(char c) {
        return String.format("\\u%04x", (int) c);
    }
}
