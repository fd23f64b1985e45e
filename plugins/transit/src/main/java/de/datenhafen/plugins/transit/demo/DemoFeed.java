package de.datenhafen.plugins.transit.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The demo timetable: Neuhafen, a made-up harbour town, with four bus lines for the eight days from yesterday on
 * (so last night's trips past midnight are there too). Weekday, Saturday and Sunday services, and a night line every
 * night, every 30 minutes from 00:00 to 06:30 with times past 24:00, so buses run at any hour of the demo (a newcomer
 * trying it at 03:00 sees departures and vehicles as at 08:00); and one holiday ("Hafenfest", three days from now if that is a
 * weekday) when the weekday service is replaced by the Sunday one through calendar_dates. Stop names carry umlauts
 * and "ß" so the name search has something to fold. The same date gives the same bytes.
 */
public final class DemoFeed {

    /** Stops: id, name, lat, lon (around 53.9 N, 10.7 E; a town that is not there). */
    private static final String[][] STOPS = {
        {"hbf", "Neuhafen Hauptbahnhof", "53.8690", "10.6700"},
        {"hbf-a", "Neuhafen Hauptbahnhof", "53.8691", "10.6698"},
        {"hbf-b", "Neuhafen Hauptbahnhof", "53.8689", "10.6703"},
        {"markt", "Marktplatz", "53.8660", "10.6850"},
        {"rathaus", "Rathaus", "53.8672", "10.6890"},
        {"schloss", "Schloßstraße", "53.8700", "10.6950"},
        {"muehle", "Mühlentor", "53.8625", "10.6920"},
        {"gross", "Große Straße", "53.8640", "10.6780"},
        {"hafen", "Hafen", "53.8750", "10.6820"},
        {"faehre", "Fährhaus", "53.8810", "10.6890"},
        {"strand", "Strand", "53.8890", "10.7050"},
        {"uni", "Universität", "53.8370", "10.7010"},
        {"klinik", "Klinikum Süd", "53.8420", "10.6900"},
        {"waeldchen", "Am Wäldchen", "53.8560", "10.7150"},
        {"buerger", "Bürgerpark", "53.8600", "10.7050"},
        {"linden", "Lindenplatz", "53.8720", "10.6600"},
        {"gewerbe", "Gewerbegebiet Nord", "53.8900", "10.6550"},
        {"kuenstler", "Künstlerviertel", "53.8760", "10.6700"},
    };

    /** Lines: id, name, long name, stops one way, minutes between stops. */
    private record Line(String id, String name, String longName, String[] stops, int minutes) {
    }

    private static final Line[] LINES = {
        new Line("1", "1", "Strand - Hauptbahnhof - Universität",
            new String[] {"strand", "faehre", "hafen", "hbf-a", "gross", "markt", "muehle", "klinik", "uni"}, 3),
        new Line("2", "2", "Fährhaus - Marktplatz - Klinikum Süd",
            new String[] {"faehre", "schloss", "rathaus", "markt", "buerger", "klinik"}, 3),
        new Line("3", "3", "Gewerbegebiet Nord - Hauptbahnhof - Am Wäldchen",
            new String[] {"gewerbe", "linden", "kuenstler", "hbf-b", "markt", "rathaus", "buerger", "waeldchen"}, 2),
        // 35 minutes end to end, every 30 minutes each way: a vehicle is under way at any moment of the night
        new Line("N8", "N8", "Nachtbus Strand - Hauptbahnhof - Universität",
            new String[] {"strand", "faehre", "hafen", "hbf-a", "markt", "muehle", "klinik", "uni"}, 5),
    };

    private DemoFeed() {
    }

    /** Writes the demo feed for the week starting the day before {@code today} into {@code target}. */
    public static void write(Path target, LocalDate today) {
        Map<String, String> files = files(today);
        try {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (Map.Entry<String, String> f : files.entrySet()) {
                    ZipEntry e = new ZipEntry(f.getKey());
                    e.setTime(0);
                    zip.putNextEntry(e);
                    zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo feed to " + target, e);
        }
    }

    /** The feed's files by name. */
    public static Map<String, String> files(LocalDate today) {
        LocalDate start = today.minusDays(1);
        LocalDate end = today.plusDays(6);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("agency.txt", "agency_id,agency_name,agency_url,agency_timezone,agency_lang\n"
            + "neuhafen,Verkehrsbetriebe Neuhafen (Demo),https://example.org/neuhafen,Europe/Berlin,de\n");
        f.put("feed_info.txt", "feed_publisher_name,feed_publisher_url,feed_lang,feed_version\n"
            + "Datenhafen demo,https://example.org/datenhafen,de,demo-" + date(start) + "\n");
        StringBuilder stops = new StringBuilder("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station,"
            + "platform_code\n");
        for (String[] s : STOPS) {
            boolean station = s[0].equals("hbf");
            boolean platform = s[0].startsWith("hbf-");
            stops.append(s[0]).append(',').append(s[1]).append(',').append(s[2]).append(',').append(s[3]).append(',')
                .append(station ? "1" : "0").append(',').append(platform ? "hbf" : "").append(',')
                .append(platform ? s[0].substring(4).toUpperCase() : "").append('\n');
        }
        f.put("stops.txt", stops.toString());
        StringBuilder routes = new StringBuilder("route_id,agency_id,route_short_name,route_long_name,route_type\n");
        for (Line l : LINES) {
            routes.append(l.id).append(",neuhafen,").append(l.name).append(",\"").append(l.longName)
                .append("\",3\n");
        }
        f.put("routes.txt", routes.toString());
        f.put("calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
            + "end_date\n"
            + "weekday,1,1,1,1,1,0,0," + date(start) + "," + date(end) + "\n"
            + "saturday,0,0,0,0,0,1,0," + date(start) + "," + date(end) + "\n"
            + "sunday,0,0,0,0,0,0,1," + date(start) + "," + date(end) + "\n"
            + "night,1,1,1,1,1,1,1," + date(start) + "," + date(end) + "\n");
        StringBuilder dates = new StringBuilder("service_id,date,exception_type\n");
        LocalDate holiday = today.plusDays(3);
        if (holiday.getDayOfWeek() != DayOfWeek.SATURDAY && holiday.getDayOfWeek() != DayOfWeek.SUNDAY) {
            dates.append("weekday,").append(date(holiday)).append(",2\n");
            dates.append("sunday,").append(date(holiday)).append(",1\n");
        }
        f.put("calendar_dates.txt", dates.toString());

        StringBuilder trips = new StringBuilder("route_id,service_id,trip_id,trip_headsign,direction_id,shape_id\n");
        StringBuilder times = new StringBuilder("trip_id,arrival_time,departure_time,stop_id,stop_sequence,"
            + "pickup_type,drop_off_type\n");
        StringBuilder shapes = new StringBuilder("shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n");
        Map<String, String[]> byId = new LinkedHashMap<>();
        for (String[] s : STOPS) {
            byId.put(s[0], s);
        }
        for (Line l : LINES) {
            for (int dir = 0; dir < 2; dir++) {
                String[] seq = l.stops.clone();
                if (dir == 1) {
                    java.util.Collections.reverse(java.util.Arrays.asList(seq));
                }
                String shapeId = "shape-" + l.id + "-" + dir;
                for (int i = 0; i < seq.length; i++) {
                    String[] s = byId.get(seq[i]);
                    shapes.append(shapeId).append(',').append(s[2]).append(',').append(s[3]).append(',').append(i + 1)
                        .append('\n');
                }
                String headsign = byId.get(seq[seq.length - 1])[1];
                for (String[] service : services(l)) {
                    int from = minutes(service[1]);
                    int to = minutes(service[2]);
                    int every = Integer.parseInt(service[3]);
                    int n = 0;
                    for (int t = from + dir * 5; t <= to; t += every, n++) {
                        String tripId = l.id + "-" + service[0] + "-" + dir + "-" + n;
                        trips.append(l.id).append(',').append(service[0]).append(',').append(tripId).append(',')
                            .append(headsign).append(',').append(dir).append(',').append(shapeId).append('\n');
                        for (int i = 0; i < seq.length; i++) {
                            int arrive = t + i * l.minutes;
                            int depart = arrive + (i == 0 || i == seq.length - 1 ? 0 : seq[i].startsWith("hbf") ? 1 : 0);
                            times.append(tripId).append(',').append(time(arrive)).append(',').append(time(depart))
                                .append(',').append(seq[i]).append(',').append(i + 1).append(',')
                                .append(i == seq.length - 1 ? 1 : 0).append(',').append(i == 0 ? 1 : 0).append('\n');
                        }
                    }
                }
            }
        }
        f.put("trips.txt", trips.toString());
        f.put("stop_times.txt", times.toString());
        f.put("shapes.txt", shapes.toString());
        return f;
    }

    /** Per line: {service, first, last, minutes between trips}. */
    private static List<String[]> services(Line l) {
        List<String[]> out = new ArrayList<>();
        switch (l.id) {
            case "1" -> {
                out.add(new String[] {"weekday", "05:00", "24:30", "10"});
                out.add(new String[] {"saturday", "06:00", "24:30", "15"});
                out.add(new String[] {"sunday", "06:00", "23:40", "20"});
            }
            case "2" -> {
                out.add(new String[] {"weekday", "05:30", "23:00", "15"});
                out.add(new String[] {"saturday", "07:00", "22:00", "20"});
                out.add(new String[] {"sunday", "08:00", "21:00", "30"});
            }
            case "3" -> {
                out.add(new String[] {"weekday", "05:10", "21:00", "20"});
                out.add(new String[] {"saturday", "07:10", "20:00", "30"});
            }
            default -> out.add(new String[] {"night", "24:00", "30:30", "30"});
        }
        return out;
    }

    private static int minutes(String hhmm) {
        return Integer.parseInt(hhmm.substring(0, 2)) * 60 + Integer.parseInt(hhmm.substring(3));
    }

    private static String time(int minutes) {
        int h = minutes / 60;
        int m = minutes % 60;
        return (h < 10 ? "0" : "") + h + (m < 10 ? ":0" : ":") + m + ":00";
    }

    private static String date(LocalDate d) {
        return de.datenhafen.plugins.transit.gtfs.GtfsTime.formatDate((int) d.toEpochDay());
    }
}
