package de.datenhafen.plugins.airquality.sta;

import java.util.List;

/**
 * The expression tree of {@code $filter} and {@code $orderby}. Every node keeps the 0-based offset in the option's
 * text where it starts, for error messages.
 */
sealed interface Expr {

    int pos();

    /** A constant: Long, Double, String, Boolean, null, Instant, LocalDate, LocalTime or {@link Geo}. */
    record Literal(Object value, int pos) implements Expr {
    }

    /** A property path such as {@code name}, {@code Datastream/Thing/name} or {@code properties/kind}. */
    record Path(List<String> segments, int pos) implements Expr {
        String text() {
            return String.join("/", segments);
        }
    }

    /** {@code not x} or {@code -x}. */
    record Unary(String op, Expr operand, int pos) implements Expr {
    }

    /** Comparison ({@code eq ne gt ge lt le}), logical ({@code and or}) or arithmetic ({@code add sub mul div mod}). */
    record Binary(String op, Expr left, Expr right, int pos) implements Expr {
    }

    /** A function call such as {@code startswith(name, 'K')}; names in lower case. */
    record Call(String name, List<Expr> args, int pos) implements Expr {
    }

    /** A point (longitude, latitude), from {@code geography'POINT(lon lat)'} or a GeoJSON Point. */
    record Geo(double lon, double lat) {
    }
}
