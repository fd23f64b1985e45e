package de.datenhafen.api.csv;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;

/**
 * The characters of a CSV file on their way to the parser, watched with the parser's own rules (a quote opens a cell
 * only as its first character; {@code ""} inside a quoted cell is a quote; CR, LF and CRLF end a line; a line with
 * nothing on it is no record). Watching them here, before the parser buffers a cell, is what bounds memory: Commons
 * CSV grows a cell without limit. On the way it drops a leading byte-order mark, notes the line where each record
 * starts (the parser knows only line ends it has passed, blank lines included) and whether the file ended inside a
 * quoted cell.
 */
final class BoundedCsvReader extends Reader {

    private enum State { CELL_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

    private final Reader in;
    private final String file;
    private final CsvLimits limits;
    private final ArrayDeque<Long> recordLines = new ArrayDeque<>();

    private State state = State.CELL_START;
    private boolean started;
    private boolean atRecordStart = true;
    private boolean afterCr;
    private long line = 1;
    private long recordLine;
    private long recordChars;
    private long cellChars;
    private int cells;
    private long unclosedQuoteLine = -1;

    BoundedCsvReader(Reader in, String file, CsvLimits limits) {
        this.in = in;
        this.file = file;
        this.limits = limits;
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        while (true) {
            int n = in.read(buf, off, len);
            if (n < 0) {
                if (state == State.QUOTED) {
                    unclosedQuoteLine = recordLine;
                }
                return -1;
            }
            int kept = off;
            for (int i = off; i < off + n; i++) {
                char c = buf[i];
                if (!started) {
                    started = true;
                    if (c == '\uFEFF') {
                        continue;
                    }
                }
                step(c);
                buf[kept++] = c;
            }
            if (kept > off || n == 0) {
                return kept - off;
            }
        }
    }

    private void step(char c) {
        boolean lfOfCrLf = c == '\n' && afterCr;
        boolean lineEnd = (c == '\n' || c == '\r') && !lfOfCrLf;
        afterCr = c == '\r';
        if (state == State.QUOTE_IN_QUOTED) {
            if (c == '"') {
                state = State.QUOTED;
                countCellChar();
                return;
            }
            state = State.UNQUOTED; // the quote closed the cell; what follows up to a comma is kept as written
        }
        if (state == State.QUOTED) {
            if (c == '"') {
                state = State.QUOTE_IN_QUOTED;
                countRecordChar();
            } else {
                countCellChar();
            }
            if (lineEnd) {
                line++;
            }
            return;
        }
        if (c == '\n' || c == '\r') {
            if (lineEnd) {
                line++;
            }
            atRecordStart = true;
            state = State.CELL_START;
            return;
        }
        if (atRecordStart) {
            atRecordStart = false;
            recordLine = line;
            recordLines.add(line);
            recordChars = 0;
            cellChars = 0;
            cells = 1;
        }
        if (c == ',') {
            if (++cells > limits.maxCells()) {
                throw refused("a record of more than " + limits.maxCells() + " cells");
            }
            countRecordChar();
            cellChars = 0;
            state = State.CELL_START;
        } else if (c == '"' && state == State.CELL_START) {
            countRecordChar();
            state = State.QUOTED;
        } else {
            state = State.UNQUOTED;
            countCellChar();
        }
    }

    private void countRecordChar() {
        if (++recordChars > limits.maxRecord()) {
            throw refused("a record longer than " + limits.maxRecord() + " characters");
        }
    }

    private void countCellChar() {
        countRecordChar();
        if (++cellChars > limits.maxCell()) {
            throw refused("a cell longer than " + limits.maxCell() + " characters");
        }
    }

    private CsvLimitException refused(String reason) {
        return new CsvLimitException(file, recordLine, reason);
    }

    /** The line of the next record the parser hands out; records come out in the order they went in. */
    long nextRecordLine() {
        Long l = recordLines.poll();
        return l == null ? line : l;
    }

    /** The line of the record the file ended in, inside a quoted cell; -1 if it did not. */
    long unclosedQuoteLine() {
        return unclosedQuoteLine;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
