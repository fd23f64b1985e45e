package de.datenhafen.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expected answers of {@link AuthorizationMatrixIT}, read from {@value #RESOURCE}: a header line
 * {@code method path <principal>...}, then one line per operation, its method, its path as the OpenAPI document writes
 * it, and one cell per principal, columns separated by blanks: {@code 401}, {@code 403}, {@code ok} (the hub let it
 * through: any other answer but a 5xx) or {@code 5xx} (a known defect: the row must say why after a {@code #}).
 * Lines starting with {@code #} are comments; a {@code #} after the cells is the row's comment.
 */
record AccessMatrix(Map<String, Row> rows, List<String> knownDefects) {

    static final String RESOURCE = "access-matrix.txt";
    private static final Set<String> CELLS = Set.of("401", "403", "ok", "5xx");

    /** One operation's expected answers, by principal. */
    record Row(Map<String, String> expected, String comment) {
    }

    static AccessMatrix read() {
        try (InputStream in = AccessMatrix.class.getResourceAsStream("/" + RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test resources");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AccessMatrix parse(String text) {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> defects = new ArrayList<>();
        List<String> header = null;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            int hash = stripped.indexOf(" #");
            String comment = hash < 0 ? null : stripped.substring(hash + 2).strip();
            List<String> cells = List.of((hash < 0 ? stripped : stripped.substring(0, hash)).strip().split("\\s+"));
            if (header == null) {
                header = cells;
                List<String> wanted = new ArrayList<>(List.of("method", "path"));
                wanted.addAll(AuthorizationMatrixIT.PRINCIPALS);
                if (!header.equals(wanted)) {
                    throw new IllegalStateException(RESOURCE + ":" + n + ": the header must be " + wanted);
                }
                continue;
            }
            if (cells.size() != header.size()) {
                throw new IllegalStateException(RESOURCE + ":" + n + ": " + header.size() + " columns expected, "
                    + cells.size() + " found: " + line);
            }
            Map<String, String> expected = new LinkedHashMap<>();
            for (int i = 2; i < cells.size(); i++) {
                if (!CELLS.contains(cells.get(i))) {
                    throw new IllegalStateException(RESOURCE + ":" + n + ": a cell is one of " + CELLS + ", not "
                        + cells.get(i));
                }
                expected.put(header.get(i), cells.get(i));
            }
            String key = cells.get(0) + " " + cells.get(1);
            if (expected.containsValue("5xx")) {
                if (comment == null) {
                    throw new IllegalStateException(RESOURCE + ":" + n + ": a 5xx cell is a known defect; say which "
                        + "after a #");
                }
                defects.add(key + ": " + comment);
            }
            if (rows.put(key, new Row(expected, comment)) != null) {
                throw new IllegalStateException(RESOURCE + ":" + n + ": a second row for " + key);
            }
        }
        return new AccessMatrix(java.util.Collections.unmodifiableMap(rows), List.copyOf(defects));
    }
}
