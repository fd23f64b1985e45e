package de.datenhafen.core.flow;

import java.util.List;
import java.util.Map;

/**
 * A parsed flow: where its events come from and the blocks they pass, each with the line it was written on.
 *
 * @param name the flow's name (also its integration's name and the prefix of its route ids)
 * @param description free text, may be null
 * @param from the {@code bus} in block
 * @param steps the blocks, in order
 * @param secrets the secret values of sink blocks by their place ({@code steps[3].webhook.secret}); kept apart so
 *                the API can show the flow with them redacted
 * @param secretSpans where each secret value is written in the document
 */
public record Flow(String name, String description, From from, List<Step> steps, Map<String, String> secrets,
                   List<Span> secretSpans) {

    public Flow {
        steps = List.copyOf(steps);
        secrets = Map.copyOf(secrets);
        secretSpans = List.copyOf(secretSpans);
    }

    /**
     * Where a secret's value is written: its place and its code point offsets in the document, start inclusive, end
     * exclusive (quotes included).
     */
    public record Span(String path, int start, int end) {
    }

    /** The bus out blocks, in every branch, in document order. */
    public List<BusOut> busOuts() {
        List<BusOut> out = new java.util.ArrayList<>();
        collectOuts(steps, out);
        return out;
    }

    /** The sinks ({@code webhook}, {@code mqtt-out}), in every branch, in document order. */
    public List<Sink> sinks() {
        List<Sink> out = new java.util.ArrayList<>();
        collectSinks(steps, out);
        return out;
    }

    private static void collectSinks(List<Step> steps, List<Sink> out) {
        for (Step s : steps) {
            if (s instanceof Sink k) {
                out.add(k);
            } else if (s instanceof Choice c) {
                c.whens().forEach(w -> collectSinks(w.steps(), out));
                collectSinks(c.otherwise(), out);
            }
        }
    }

    private static void collectOuts(List<Step> steps, List<BusOut> out) {
        for (Step s : steps) {
            if (s instanceof BusOut b) {
                out.add(b);
            } else if (s instanceof Choice c) {
                c.whens().forEach(w -> collectOuts(w.steps(), out));
                collectOuts(c.otherwise(), out);
            }
        }
    }

    /**
     * The bus in block: the event types (names or prefix patterns such as {@code air.*}) and an optional subject
     * prefix.
     */
    public record From(List<String> types, String subjectPrefix, int line) {
    }

    /** One block of a flow. */
    public sealed interface Step permits Filter, Choice, Transform, Split, Aggregate, Throttle, Delay, Log, BusOut,
        Sink {
        /** The line of the block in the document, 1-based. */
        int line();

        /** The block's place, as {@code steps[2]} or {@code steps[1].choice[0].steps[3]}. */
        String path();
    }

    /** Passes an event on only when the JSONata expression is true. */
    public record Filter(String expression, int line, String path) implements Step {
    }

    /** The first branch whose {@code when} is true takes the event, else {@code otherwise}. */
    public record Choice(List<When> whens, List<Step> otherwise, int line, String path) implements Step {
    }

    /** A branch of a choice. */
    public record When(String expression, List<Step> steps, int line) {
    }

    /** Replaces the event's data with the JSONata expression's result. */
    public record Transform(String expression, int line, String path) implements Step {
    }

    /** Splits the data into the elements of the expression's array; the blocks after it run once per element. */
    public record Split(String expression, int max, int line, String path) implements Step {
    }

    /**
     * Collects events with the same subject into one (data: the array of their data), complete at {@code size}
     * events or {@code seconds} after the first; the blocks after it run per collection.
     */
    public record Aggregate(int size, int seconds, int line, String path) implements Step {
    }

    /** At most {@code perSecond} events a second pass; the flow's subscription waits for the rest. */
    public record Throttle(int perSecond, int line, String path) implements Step {
    }

    /** Waits {@code millis} before passing the event on. */
    public record Delay(int millis, int line, String path) implements Step {
    }

    /** Writes a line to the hub's log: the text, the event's type and subject, and (cut) its data. */
    public record Log(String text, int line, String path) implements Step {
    }

    /** Puts the data on the bus as an event of {@code type}; the subject is the expression's, or kept. */
    public record BusOut(String type, String subjectExpression, int line, String path) implements Step {
    }

    /**
     * A sink: {@code webhook} or {@code mqtt-out}, compiled to {@code <kind>:<name>?<options>}.
     *
     * @param options the options as given, secrets included (in order of the sink's option list)
     */
    public record Sink(String kind, String name, Map<String, String> options, int line, String path) implements Step {
    }
}
