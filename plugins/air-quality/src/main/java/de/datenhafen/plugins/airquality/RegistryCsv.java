package de.datenhafen.plugins.airquality;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The registry's CSV import: one row per room (and the device in it, if any), as the utility's installation lists
 * come. Columns by header name, in any order:
 * {@code site,site_name,address,latitude,longitude,room,room_name,kind,device,since}. {@code site} and {@code room}
 * are required; a site's name, address and coordinates are taken from the last row that names it; {@code device}
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

    /**
     * The lines after the header one import takes unless its integration says otherwise ({@code max-rows}). A city's
     * registry is thousands of rooms (the shared benchmark's 2,500); a file of 8 MiB (the body limit) of short lines
     * is 700,000 rooms, which took a minute under the registry's lock and left them all in its snapshot.
     */
    static final int MAX_ROWS = 20_000;

    static Counts importInto(Connection c, String csv, Instant now, int maxRows) throws SQLException {
        List<Row> rows = parse(csv, maxRows + 1);
        if (rows.isEmpty()) {
            throw new CsvException(1, "header", "is missing: the first line names the columns");
        }
        Map<String, Integer> col = new HashMap<>();
        Row header = rows.get(0);
        for (int i = 0; i < header.cells().size(); i++) {
            String name = header.cells().get(i).trim().toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name)) {
                throw new CsvException(header.line(), TextLimits.shown(name), "is not a known column; known: "
                    + String.join(",", COLUMNS));
            }
            if (col.put(name, i) != null) { // the last one silently won before
                throw new CsvException(header.line(), name, "is named twice in the header");
            }
        }
        for (String required : List.of("site", "room")) {
            if (!col.containsKey(required)) {
                throw new CsvException(header.line(), required, "column is missing");
            }
        }
        try (Writes writes = new Writes(c)) {
            Set<String> sitesSeen = new HashSet<>();
            int rooms = 0;
            int devices = 0;
            for (int r = 1; r < rows.size(); r++) {
                int line = rows.get(r).line();
                List<String> row = rows.get(r).cells();
                String site = id(line, "site", cell(row, col, "site"));
                String siteName = text(line, "site_name", cell(row, col, "site_name"), TextLimits.NAME);
                if (siteName != null) {
                    Double latitude = number(line, "latitude", cell(row, col, "latitude"), -90, 90);
                    Double longitude = number(line, "longitude", cell(row, col, "longitude"), -180, 180);
                    String unpaired = Registry.Site.unpaired(latitude, longitude);
                    if (unpaired != null) { // as the registry API has it
                        throw new CsvException(line, unpaired, "is missing: " + Registry.Site.COORDINATES);
                    }
                    writes.site(new Registry.Site(site, siteName,
                        text(line, "address", cell(row, col, "address"), TextLimits.ADDRESS), latitude, longitude));
                } else if (!writes.siteExists(site)) {
                    throw new CsvException(line, "site_name", "is needed for the new site " + site);
                }
                sitesSeen.add(site);
                String room = id(line, "room", cell(row, col, "room"));
                String roomName = text(line, "room_name", cell(row, col, "room_name"), TextLimits.NAME);
                String kind = cell(row, col, "kind");
                // checked as it is kept: lowercase can be longer ("İ" is two characters then)
                kind = text(line, "kind", kind == null ? "classroom" : kind.toLowerCase(Locale.ROOT), TextLimits.KIND);
                int key = writes.room(site, room, roomName == null ? room : roomName, kind);
                rooms++;
                String device = cell(row, col, "device");
                if (device != null) {
                    String eui = Eui.normalize(device);
                    if (eui == null) {
                        throw new CsvException(line, "device", "'" + TextLimits.shown(device) + "' is not a 16-digit "
                            + "hex EUI");
                    }
                    String sinceText = cell(row, col, "since");
                    Instant since;
                    try {
                        since = Registry.micros(sinceText == null ? now : OffsetDateTime.parse(sinceText).toInstant());
                    } catch (DateTimeException e) {
                        throw new CsvException(line, "since", "'" + TextLimits.shown(sinceText) + "' is not an "
                            + "ISO-8601 time with an offset");
                    }
                    String wrong = Registry.outOfRange(since, now);
                    if (wrong != null) {
                        throw new CsvException(line, "since", TextLimits.shown(sinceText) + " " + wrong);
                    }
                    try {
                        writes.install(eui, key, since);
                    } catch (IllegalArgumentException e) {
                        throw new CsvException(line, "since", e.getMessage());
                    }
                    devices++;
                }
            }
            writes.flush();
            return new Counts(sitesSeen.size(), rooms, devices);
        }
    }

    /**
     * The writes of one import, decided in memory. The sites, the rooms and each device's latest installation are read
     * once at the start, inside the import's transaction ({@link Registry#change} runs one change at a time); a row
     * is then checked against them, not against the database. A new room is inserted at once (its key is needed), a
     * site that differs is written at once (a new room refers to it); changed rooms, ended installations and new
     * ones go into batches run at the end. An installation this import opened and a later row of it moves is
     * written once, already ended.
     *
     * <p>Row by row, with a query before each write, the shared benchmark's 2,500 rooms with a device each took 15,000
     * statements and about 100 MB of garbage, and the heap G1 grew for it stayed resident until the hub's quiet trim
     * (issue 17).
     */
    private static final class Writes implements AutoCloseable {
        private final Connection c;
        /** Sites as they are in the database now (this import's writes included). */
        private final Map<String, Registry.Site> sites = new HashMap<>();
        /** Rooms by {@link Registry.Room#subject()}: in the database now, or after {@link #flush}. */
        private final Map<String, Registry.Room> rooms = new HashMap<>();
        /** Each device's latest installation: from the database, or one this import opens. */
        private final Map<String, Registry.Installation> latest = new HashMap<>();
        /**
         * The installations this import opens, per device in order, each as the file's last line about it left it;
         * when a device has any, the last is its {@link #latest}. Inserted by {@link #flush}.
         */
        private final Map<String, List<Registry.Installation>> opened = new LinkedHashMap<>();
        /** Prepared when first needed, closed by {@link #close}. */
        private PreparedStatement insertRoom;
        private PreparedStatement renameRoom;
        private PreparedStatement endInstallation;

        Writes(Connection c) throws SQLException {
            this.c = c;
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT id, name, address, latitude, longitude FROM site")) {
                    while (rs.next()) {
                        sites.put(rs.getString(1), new Registry.Site(rs.getString(1), rs.getString(2),
                            rs.getString(3), rs.getObject(4, Double.class), rs.getObject(5, Double.class)));
                    }
                }
                try (ResultSet rs = st.executeQuery(Registry.ROOMS)) {
                    while (rs.next()) {
                        Registry.Room room = Registry.Room.read(rs);
                        rooms.put(room.subject(), room);
                    }
                }
                // each device's latest installation only, not its whole history
                try (ResultSet rs = st.executeQuery(Registry.INSTALLATIONS + " i WHERE NOT EXISTS (SELECT 1 FROM "
                    + "installation j WHERE j.dev_eui = i.dev_eui AND j.since > i.since)")) {
                    while (rs.next()) {
                        Registry.Installation i = Registry.Installation.read(rs);
                        latest.put(i.device(), i);
                    }
                }
            }
        }

        boolean siteExists(String id) {
            return sites.containsKey(id);
        }

        /** Writes the site unless the database has it so already. */
        void site(Registry.Site values) throws SQLException {
            if (!values.equals(sites.get(values.id()))) {
                Registry.upsertSite(c, values);
                sites.put(values.id(), values);
            }
        }

        /** Adds the room or gives it this name and kind; its key. */
        int room(String siteId, String id, String name, String kind) throws SQLException {
            Registry.Room room = rooms.get(Registry.Room.subject(siteId, id));
            if (room != null && room.name().equals(name) && room.kind().equals(kind)) {
                return room.key();
            }
            if (room == null) {
                if (insertRoom == null) {
                    insertRoom = c.prepareStatement("INSERT INTO room (site_id, id, name, kind) VALUES (?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS);
                }
                insertRoom.setString(1, siteId);
                insertRoom.setString(2, id);
                insertRoom.setString(3, name);
                insertRoom.setString(4, kind);
                insertRoom.executeUpdate();
                try (ResultSet keys = insertRoom.getGeneratedKeys()) {
                    if (!keys.next()) {
                        throw new SQLException("no key for the new room " + siteId + "/" + id);
                    }
                    room = new Registry.Room(keys.getInt("room_key"), siteId, id, name, kind);
                }
            } else {
                if (renameRoom == null) {
                    renameRoom = c.prepareStatement("UPDATE room SET name = ?, kind = ? WHERE room_key = ?");
                }
                renameRoom.setString(1, name);
                renameRoom.setString(2, kind);
                renameRoom.setInt(3, room.key());
                renameRoom.addBatch();
                room = new Registry.Room(room.key(), siteId, id, name, kind);
            }
            rooms.put(room.subject(), room);
            return room.key();
        }

        /** {@link Registry#install}'s rule against the device's latest installation; refused as it refuses. */
        void install(String device, int roomKey, Instant since) throws SQLException {
            Registry.Installation before = latest.get(device);
            Registry.Move move = Registry.move(before, device, roomKey, since);
            if (move == Registry.Move.NONE) {
                return;
            }
            List<Registry.Installation> mine = opened.computeIfAbsent(device, d -> new ArrayList<>(1));
            if (move == Registry.Move.CLOSE_AND_OPEN) {
                if (!mine.isEmpty()) { // "before" is the one this file opened last: it is written ended
                    mine.set(mine.size() - 1, new Registry.Installation(device, before.since(), since,
                        before.roomKey()));
                } else {
                    if (endInstallation == null) {
                        endInstallation = c.prepareStatement(Registry.CLOSE_INSTALLATION);
                    }
                    Registry.closeInstallation(endInstallation, before, since);
                    endInstallation.addBatch();
                }
            }
            Registry.Installation now = new Registry.Installation(device, since, null, roomKey);
            mine.add(now);
            latest.put(device, now);
        }

        /** Runs the batched writes: renamed rooms, ended installations, then the new ones. */
        void flush() throws SQLException {
            if (renameRoom != null) {
                renameRoom.executeBatch();
            }
            if (endInstallation != null) {
                endInstallation.executeBatch();
            }
            if (opened.isEmpty()) { // a device is in it only with an installation opened
                return;
            }
            try (PreparedStatement insert = c.prepareStatement(Registry.INSERT_INSTALLATION)) {
                for (List<Registry.Installation> list : opened.values()) {
                    for (Registry.Installation i : list) {
                        Registry.insertInstallation(insert, i);
                        insert.addBatch();
                    }
                }
                insert.executeBatch();
            }
        }

        @Override
        public void close() throws SQLException {
            try (PreparedStatement a = insertRoom; PreparedStatement b = renameRoom;
                 PreparedStatement e = endInstallation) {
                // closes those that were prepared (a null resource is skipped), the first failure thrown
            }
        }
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

    /** A decimal number as a spreadsheet writes one: no exponent, no hex, no NaN or Infinity, no type suffix. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]{1,3}(\\.[0-9]{1,15})?");

    private static Double number(int line, String column, String value, double min, double max) {
        if (value == null) {
            return null;
        }
        try {
            if (!DECIMAL.matcher(value).matches()) { // Double.parseDouble takes "NaN", "0x1p4" and "12f"
                throw new NumberFormatException(value);
            }
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

    /** A row of the file: the line it starts on (1-based, as an editor counts them) and its cells. */
    record Row(int line, List<String> cells) {
    }

    /**
     * RFC 4180: commas, double quotes around a field, doubled quotes inside, CRLF, LF or CR. A byte order mark at the
     * start (as spreadsheet programs write UTF-8) is skipped, so are blank lines; a quote not closed by the end is
     * refused, naming its line (the rest of the file was one cell before). More than {@code maxRows} rows (the header
     * included) are refused as they are read, naming the first line too many.
     */
    static List<Row> parse(String text, int maxRows) {
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int line = 1; // the line at i
        int rowLine = 1;
        int quoteLine = 0;
        for (int i = text.startsWith("\uFEFF") ? 1 : 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean lineEnd = ch == '\n' || ch == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n');
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
                    if (lineEnd) {
                        line++;
                    }
                }
            } else if (ch == '"') {
                quoted = true;
                quoteLine = line;
            } else if (ch == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                cells.add(cell.toString());
                cell.setLength(0);
                add(rows, new Row(rowLine, cells), maxRows);
                cells = new ArrayList<>();
                any = false;
                rowLine = ++line;
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new CsvException(quoteLine, "body", "has a quote that is not closed by the end of the file");
        }
        if (any) {
            cells.add(cell.toString());
            add(rows, new Row(rowLine, cells), maxRows);
        }
        return rows;
    }

    /** Adds a row unless it is blank; refuses the first one more than {@code maxRows}. */
    private static void add(List<Row> rows, Row row, int maxRows) {
        if (row.cells().size() == 1 && row.cells().get(0).isBlank()) {
            return; // a blank line: not a row, so it does not count against max-rows either
        }
        if (rows.size() == maxRows) {
            throw new CsvException(row.line(), "body", "is longer than " + (maxRows - 1) + " rows after the header "
                + "(the integration's max-rows): split the file");
        }
        rows.add(row);
    }
}
