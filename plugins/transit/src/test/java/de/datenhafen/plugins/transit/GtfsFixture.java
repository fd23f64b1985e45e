package de.datenhafen.plugins.transit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds small GTFS archives for tests. The default feed: two agencies (the city buses "swl" and a regional operator
 * "reg"), a station "Lübeck Hbf" with two platforms, a line 5 with a trip that runs past midnight, a trip on a
 * holiday-only service, and service for 2026 (weekdays, with 2026-03-30 removed and 2026-04-05 added).
 */
public final class GtfsFixture {

    private final Map<String, String> files = new LinkedHashMap<>();

    public static GtfsFixture standard() {
        GtfsFixture f = new GtfsFixture();
        f.put("agency.txt", """
            agency_id,agency_name,agency_url,agency_timezone
            swl,Stadtwerke Lübeck Mobil,https://example.org/swl,Europe/Berlin
            reg,Regionalbus Holstein,https://example.org/reg,Europe/Berlin
            """);
        f.put("stops.txt", """
            stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,platform_code
            hbf,Lübeck Hbf,53.8677,10.6698,1,,
            hbf-1,Lübeck Hbf,53.8678,10.6697,0,hbf,1
            hbf-2,Lübeck Hbf,53.8676,10.6699,0,hbf,2
            koberg,Koberg,53.8706,10.6870,0,,
            strasse,Große Straße,53.8650,10.6800,0,,
            travem,Travemünde Strand,53.9600,10.8700,0,,
            dorf,Dorfplatz Ratekau,53.9500,10.7300,0,,
            """);
        f.put("routes.txt", """
            route_id,agency_id,route_short_name,route_long_name,route_type
            r5,swl,5,Hbf - Koberg - Große Straße,3
            r30,swl,30,Hbf - Travemünde,3
            r900,reg,900,Ratekau - Hbf,3
            """);
        f.put("calendar.txt", """
            service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
            wd,1,1,1,1,1,0,0,20260101,20261231
            we,0,0,0,0,0,1,1,20260101,20261231
            """);
        f.put("calendar_dates.txt", """
            service_id,date,exception_type
            wd,20260330,2
            wd,20260405,1
            holiday,20261003,1
            """);
        f.put("trips.txt", """
            route_id,service_id,trip_id,trip_headsign,direction_id
            r5,wd,t5-morning,Große Straße,0
            r5,wd,t5-late,Große Straße,0
            r5,we,t5-weekend,Große Straße,0
            r30,holiday,t30-holiday,Travemünde,0
            r900,wd,t900,Lübeck Hbf,1
            """);
        f.put("stop_times.txt", """
            trip_id,arrival_time,departure_time,stop_id,stop_sequence
            t5-morning,08:00:00,08:00:00,hbf-1,1
            t5-morning,08:05:00,08:06:00,koberg,2
            t5-morning,08:10:00,08:10:00,strasse,3
            t5-late,23:50:00,23:50:00,hbf-2,1
            t5-late,24:05:00,24:05:00,koberg,2
            t5-late,24:15:00,24:15:00,strasse,3
            t5-weekend,10:00:00,10:00:00,hbf-1,1
            t5-weekend,10:05:00,10:05:00,koberg,2
            t5-weekend,10:10:00,10:10:00,strasse,3
            t30-holiday,09:00:00,09:00:00,hbf-1,1
            t30-holiday,09:40:00,09:40:00,travem,2
            t900,07:00:00,07:00:00,dorf,1
            t900,07:30:00,07:30:00,hbf-2,2
            """);
        return f;
    }

    public GtfsFixture put(String file, String content) {
        files.put(file, content);
        return this;
    }

    public GtfsFixture remove(String file) {
        files.remove(file);
        return this;
    }

    /** Appends lines to a file. */
    public GtfsFixture append(String file, String lines) {
        files.merge(file, lines, String::concat);
        return this;
    }

    /** The files and their content, in the order they are written. */
    public Map<String, String> files() {
        return java.util.Collections.unmodifiableMap(files);
    }

    public Path write(Path target) {
        return write(target, "");
    }

    /** Writes the archive with every file under {@code folder} (empty: at the root). */
    public Path write(Path target, String folder) {
        return write(target, folder, null, null, 0);
    }

    /**
     * Writes the archive with {@code file} made of its content followed by {@code line} repeated until the file has
     * {@code bytes} bytes: a large file (a zip bomb, a long feed) without holding it in memory.
     */
    public Path writeRepeating(Path target, String file, String line, long bytes) {
        return write(target, "", file, line, bytes);
    }

    private Path write(Path target, String folder, String repeated, String line, long bytes) {
        try (OutputStream os = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(folder + f.getKey()));
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                zip.write(content);
                if (f.getKey().equals(repeated)) {
                    byte[] one = line.getBytes(StandardCharsets.UTF_8);
                    byte[] block = new byte[one.length * Math.max(1, (1 << 16) / one.length)];
                    for (int i = 0; i < block.length; i += one.length) {
                        System.arraycopy(one, 0, block, i, one.length);
                    }
                    for (long written = content.length; written < bytes; written += block.length) {
                        zip.write(block, 0, (int) Math.min(block.length, bytes - written));
                    }
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
