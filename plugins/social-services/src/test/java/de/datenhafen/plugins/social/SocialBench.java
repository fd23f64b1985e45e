package de.datenhafen.plugins.social;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The numbers of issue 6, in process (no HTTP): import of a 20,000-service tabular data package (zip) into an H2
 * file database like the hub's, with progress lines, then a re-import of the same package; then citizen searches
 * over the 20,000 services, p50/p99/max per query kind, "open now" included. Run by bench/search-and-import.sh.
 */
public final class SocialBench {

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        Path dir = Files.createTempDirectory("social-bench");
        ZoneId zone = ZoneId.of("Europe/Berlin");
        LocalDate today = LocalDate.now(zone);

        long t0 = System.nanoTime();
        DataSet set = DemoData.generate(services / 50, 50, 1, today);
        byte[] zip = TabularWriter.zip(TabularWriter.write(set));
        System.out.printf(Locale.ROOT, "generated %d services as a %.1f MB data package in %d ms%n",
            set.services().size(), zip.length / 1e6, ms(t0));

        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("bench") + ";WRITE_DELAY=0");
        migrate(ds);
        Directory directory = new Directory(ds, zone, () -> Callers.OWNER).load();

        long t1 = System.nanoTime();
        DataSet parsed = DataSets.fromZip(zip);
        System.out.printf(Locale.ROOT, "  read the package in %d ms%n", ms(t1));
        Directory.ImportReport r = directory.importSet(parsed, line -> System.out.printf(Locale.ROOT, "  [%6d ms] %s%n",
            ms(t1), line));
        System.out.printf(Locale.ROOT, "IMPORT %d services: %d ms (%s)%n", services, ms(t1), r);

        long t2 = System.nanoTime();
        Directory.ImportReport again = directory.importSet(DataSets.fromZip(zip), null);
        System.out.printf(Locale.ROOT, "RE-IMPORT unchanged: %d ms (%s)%n", ms(t2), again);

        long t3 = System.nanoTime();
        Directory reloaded = new Directory(ds, zone, () -> Callers.OWNER).load();
        System.out.printf(Locale.ROOT, "RELOAD from the database at start: %d ms, %d indexed%n", ms(t3),
            reloaded.index().size());

        if (queries == 0) {
            return; // import only
        }
        SearchIndex index = directory.index();
        String[] words = {"Schulden", "Beratung", "Migration", "Konzert", "Familie", "Sucht", "Deutschkurs",
            "Wohnung", "Jugend", "Lesung", "Pflege", "Kino", "debt counselling", "Erziehungsberatung"};
        Random rnd = new Random(3);
        Set<String> migration = Set.of(CityTaxonomy.termId("migration"));
        String[] kinds = {"text", "text+open-now", "topic+language+free+open-now", "distance+open-now",
            "text+distance+access+open-at"};
        for (int warm = 0; warm < 300; warm++) {
            index.search(query(kinds[warm % kinds.length], words, rnd, migration));
        }
        System.gc();
        for (String kind : kinds) {
            long[] took = new long[queries];
            int hits = 0;
            for (int i = 0; i < queries; i++) {
                SearchIndex.Query q = query(kind, words, rnd, migration);
                long s = System.nanoTime();
                hits += index.search(q).total();
                took[i] = System.nanoTime() - s;
            }
            Arrays.sort(took);
            System.out.printf(Locale.ROOT, "SEARCH %-32s n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms (avg hits %d)%n",
                kind, queries, took[queries / 2] / 1e6, took[(int) (queries * 0.99)] / 1e6, took[queries - 1] / 1e6,
                hits / queries);
        }
    }

    private static SearchIndex.Query query(String kind, String[] words, Random rnd, Set<String> topic) {
        String w = words[rnd.nextInt(words.length)];
        Instant now = Instant.now();
        double lat = 53.86 + rnd.nextDouble() * 0.03;
        double lon = 10.66 + rnd.nextDouble() * 0.06;
        switch (kind) {
            case "text":
                return new SearchIndex.Query(w, null, null, false, null, null, null, null, null, 1, 20);
            case "text+open-now":
                return new SearchIndex.Query(w, null, null, false, null, null, null, null, now, 1, 20);
            case "topic+language+free+open-now":
                return new SearchIndex.Query(null, topic, "ar", true, null, null, null, null, now, 1, 20);
            case "distance+open-now":
                return new SearchIndex.Query(null, null, null, false, null, lat, lon, 2.0, now, 1, 20);
            default:
                return new SearchIndex.Query(w, null, null, false, Set.of("step-free"), lat, lon, 3.0,
                    now.plusSeconds(rnd.nextInt(7 * 86400)), 1, 20);
        }
    }

    private static void migrate(DataSource ds) throws Exception {
        String sql = new String(SocialBench.class.getResourceAsStream("/db/plugin/V1__directory.sql").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            for (String part : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!part.isBlank()) {
                    st.execute(part);
                }
            }
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @SuppressWarnings("unused")
    private static List<String> unused() {
        return new ArrayList<>();
    }
}
