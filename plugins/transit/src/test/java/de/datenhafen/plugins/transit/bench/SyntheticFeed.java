package de.datenhafen.plugins.transit.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A state-sized GTFS feed for the benchmark, shaped like a merged regional feed: 40 agencies (one of them "swl",
 * Stadtwerke Lübeck Mobil), 40,000 stops with stations, routes of 20 stops each, weekday/Saturday/Sunday services
 * with exceptions, shapes, and one busy stop ("busy", a central bus station) that a sixth of the routes serve.
 * {@code stopTimes} sets the size; 5,000,000 gives 250,000 trips.
 */
public final class SyntheticFeed {

    static final int STOPS_PER_TRIP = 20;

    private SyntheticFeed() {
    }

    public static void write(Path target, int stopTimes) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        int agencies = 40;
        int stops = 40_000;
        int routes = 2_000;
        int trips = stopTimes / STOPS_PER_TRIP;
        try (OutputStream os = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.setLevel(6);
            Writer w = new BufferedWriter(new OutputStreamWriter(zip, StandardCharsets.UTF_8), 1 << 16);

            entry(zip, w, "agency.txt");
            w.write("agency_id,agency_name,agency_url,agency_timezone,agency_lang\n");
            w.write("swl,Stadtwerke Lübeck Mobil,https://example.org,Europe/Berlin,de\n");
            for (int a = 1; a < agencies; a++) {
                w.write("ag" + a + ",Verkehrsbetrieb " + a + ",https://example.org,Europe/Berlin,de\n");
            }

            entry(zip, w, "feed_info.txt");
            w.write("feed_publisher_name,feed_publisher_url,feed_lang,feed_version\nbench,https://example.org,de,1\n");

            entry(zip, w, "stops.txt");
            w.write("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n");
            w.write("busy-station,\"ZOB, Busbahnhof\",54.3200,10.1300,1,\n");
            w.write("busy,\"ZOB, Busbahnhof\",54.3201,10.1301,0,busy-station\n");
            for (int s = 0; s < stops; s++) {
                double lat = 53.40 + rnd.nextDouble() * 1.5;
                double lon = 8.60 + rnd.nextDouble() * 2.6;
                w.write("s" + s + ",\"Ort " + (s / 40) + ", Straße " + (s % 40) + "\"," + String.format(
                    java.util.Locale.ROOT, "%.6f,%.6f", lat, lon) + ",0,\n");
            }

            entry(zip, w, "routes.txt");
            w.write("route_id,agency_id,route_short_name,route_long_name,route_type\n");
            for (int r = 0; r < routes; r++) {
                String agency = r < 100 ? "swl" : "ag" + (1 + r % (agencies - 1));
                w.write("r" + r + "," + agency + "," + (r % 999 + 1) + ",Linie " + r + ",3\n");
            }

            entry(zip, w, "calendar.txt");
            w.write("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n");
            String[] patterns = {"1,1,1,1,1,0,0", "0,0,0,0,0,1,0", "0,0,0,0,0,0,1", "1,1,1,1,1,1,0", "1,1,1,1,0,0,0"};
            for (int s = 0; s < 20; s++) {
                w.write("svc" + s + "," + patterns[s % patterns.length] + ",20260101,20261231\n");
            }

            entry(zip, w, "calendar_dates.txt");
            w.write("service_id,date,exception_type\n");
            for (int s = 0; s < 20; s++) {
                for (String d : new String[] {"20260403", "20260406", "20260501", "20260514", "20260525", "20261003",
                    "20261225", "20261226"}) {
                    w.write("svc" + s + "," + d + "," + (s % patterns.length == 2 ? 1 : 2) + "\n");
                }
            }

            // each route: a pattern of 20 stops near each other; every sixth route passes the busy stop
            int[][] pattern = new int[routes][STOPS_PER_TRIP];
            for (int r = 0; r < routes; r++) {
                int base = rnd.nextInt(stops - 400);
                for (int i = 0; i < STOPS_PER_TRIP; i++) {
                    pattern[r][i] = base + rnd.nextInt(400);
                }
                if (r % 6 == 0) {
                    pattern[r][STOPS_PER_TRIP / 2] = -1;
                }
            }

            entry(zip, w, "trips.txt");
            w.write("route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\n");
            for (int t = 0; t < trips; t++) {
                int r = t % routes;
                w.write("r" + r + ",svc" + (t / routes) % 20 + ",t" + t + ",Richtung " + r + "," + (t & 1) + ",sh" + r
                    + "\n");
            }

            entry(zip, w, "stop_times.txt");
            w.write("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n");
            StringBuilder sb = new StringBuilder(64);
            for (int t = 0; t < trips; t++) {
                int r = t % routes;
                int start = 4 * 3600 + (int) ((long) (t / routes) * 71 * 60 % (20 * 3600)) + (r % 60) * 60;
                for (int i = 0; i < STOPS_PER_TRIP; i++) {
                    int time = start + i * 150;
                    String tm = time(time);
                    sb.setLength(0);
                    int stop = pattern[r][i];
                    sb.append('t').append(t).append(',').append(tm).append(',').append(tm).append(',')
                        .append(stop < 0 ? "busy" : "s" + stop).append(',').append(i + 1).append(",0,0\n");
                    w.append(sb);
                }
            }

            entry(zip, w, "shapes.txt");
            w.write("shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n");
            for (int r = 0; r < routes; r++) {
                double lat = 53.5 + rnd.nextDouble();
                double lon = 9 + rnd.nextDouble();
                for (int p = 0; p < 100; p++) {
                    w.write("sh" + r + "," + String.format(java.util.Locale.ROOT, "%.6f,%.6f", lat + p * 0.001,
                        lon + p * 0.001) + "," + p + "\n");
                }
            }
            w.flush();
            zip.closeEntry();
        }
    }

    private static void entry(ZipOutputStream zip, Writer w, String name) throws IOException {
        w.flush();
        zip.putNextEntry(new ZipEntry(name));
    }

    static String time(int s) {
        int h = s / 3600;
        int m = s / 60 % 60;
        int sec = s % 60;
        return (h < 10 ? "0" : "") + h + (m < 10 ? ":0" : ":") + m + (sec < 10 ? ":0" : ":") + sec;
    }
}
