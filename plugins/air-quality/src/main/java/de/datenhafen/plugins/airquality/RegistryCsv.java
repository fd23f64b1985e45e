package de.datenhafen.plugins.airquality;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry's CSV import: one row per room (and the device in it, if any), as the utility's installation lists
 * come. Columns by header name, in any order:
 * {@code site,site_name,address,latitude,longitude,room,room_name,kind,device,since}. {@code site} and {@code room}
 * are required; a site's name, address and coordinates are taken from the first row that has them; {@code device}
 * installs that device in the room from {@code since} (ISO-8601; default: the import's time), moving it if it was
 * elsewhere. The whole file is one transaction: a bad row refuses all of it, naming line and column.
 */
final class RegistryCsv {

    /** A bad row: the 1-based line and the column at fault. */
    static final class CsvException extends RuntimeException {
        final String field;

        CsvException(int line, String column, String message) {
            super("line " + line + ": " + column + " " + message);
            this.field = column;
        }
    }

    record Counts(int sites, int rooms, int devices) {
    }

    static final List<String> COLUMNS = List.of("site", "site_name", "address", "latitude", "longitude", "room",
        "room_name", "kind", "device", "since");

    private RegistryCsv() {
    }

    static Counts importInto(Connection c, String csv, Instant now) throws SQLException {
        List<List<String>> rows = parse(csv);
        if (rows.isEmpty()) {
            throw new CsvException(1, "header", "is missing: the first line names the columns");
        }
        Map<String, Integer> col = new HashMap<>();
        List<String> header = rows.get(0);
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name)) {
                throw new CsvException(1, name, "is not a known column; known: " + String.join(",", COLUMNS));
            }
            col.put(name, i);
        }
        for (String required : List.of("site", "room")) {
            if (!col.containsKey(required)) {
                throw new CsvException(1, required, "column is missing");
            }
        }
        // each site as this import last wrote it (null: it exists, not written here): a file repeats a site's columns
        // on every one of its lines, and writing the same values again only grew the transaction's undo log
        Map<String, Registry.Site> sitesSeen = new HashMap<>();
        int rooms = 0;
        int devices = 0;
        for (int r = 1; r < rows.size(); r++) {
            int line = r + 1;
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            String site = id(line, "site", cell(row, col, "site"));
            String siteName = text(line, "site_name", cell(row, col, "site_name"), TextLimits.NAME);
            if (siteName != null) {
                Registry.Site values = new Registry.Site(site, siteName,
                    text(line, "address", cell(row, col, "address"), TextLimits.ADDRESS),
                    number(line, "latitude", cell(row, col, "latitude"), -90, 90),
                    number(line, "longitude", cell(row, col, "longitude"), -180, 180));
                if (!values.equals(sitesSeen.get(site))) {
                    Registry.upsertSite(c, values);
                    sitesSeen.put(site, values);
                }
            } else if (!sitesSeen.containsKey(site)) {
                if (!Registry.siteExists(c, site)) {
                    throw new CsvException(line, "site_name", "is needed for the new site " + site);
                }
                sitesSeen.put(site, null);
            }
            String room = id(line, "room", cell(row, col, "room"));
            String roomName = text(line, "room_name", cell(row, col, "room_name"), TextLimits.NAME);
            String kind = text(line, "kind", cell(row, col, "kind"), TextLimits.KIND);
            int key = Registry.upsertRoom(c, site, room, roomName == null ? room : roomName,
                kind == null ? "classroom" : kind.toLowerCase(Locale.ROOT));
            rooms++;
            String device = cell(row, col, "device");
            if (device != null) {
                String eui = Eui.normalize(device);
                if (eui == null) {
                    throw new CsvException(line, "device", "'" + TextLimits.shown(device) + "' is not a 16-digit hex "
                        + "EUI");
                }
                String sinceText = cell(row, col, "since");
                Instant since;
                try {
                    since = sinceText == null ? now : OffsetDateTime.parse(sinceText).toInstant();
                } catch (DateTimeException e) {
                    throw new CsvException(line, "since", "'" + TextLimits.shown(sinceText) + "' is not an ISO-8601 "
                        + "time with an offset");
                }
                try {
                    Registry.install(c, eui, key, since);
                } catch (IllegalArgumentException e) {
                    throw new CsvException(line, "since", e.getMessage());
                }
                devices++;
            }
        }
        return new Counts(sitesSeen.size(), rooms, devices);
    }

    private static String id(int line, String column, String value) {
        if (value == null) {
            throw new CsvException(line, column, "is empty");
        }
        if (!TextLimits.isId(value)) {
            throw new CsvException(line, column, "'" + TextLimits.shown(value) + "' must be " + TextLimits.ID_RULE);
        }
        return value;
    }

    private static String text(int line, String column, String value, int max) {
        return TextLimits.check(column, value, max, (field, message) -> new CsvException(line, field, message));
    }

    private static Double number(int line, String column, String value, double min, double max) {
        if (value == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(value);
            if (d < min || d > max) {
                throw new CsvException(line, column, TextLimits.shown(value) + " is outside " + min + " to " + max);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new CsvException(line, column, "'" + TextLimits.shown(value) + "' is not a number");
        }
    }

    private static String cell(List<String> row, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        if (i == null || i >= row.size()) {
            return null;
        }
        String v = row.get(i).trim();
        return v.isEmpty() ? null : v;
    }

    /** RFC 4180: commas, double quotes around a field, doubled quotes inside, CRLF or LF. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            any = true;
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                cell.append(ch);
            }
        }
        if (any) {
            row.add(cell.toString());
            rows.add(row);
        }
        return rows;
    }
}
