package de.datenhafen.plugins.social;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The citizen search through a running, packaged hub's HTTP API, as a caller sees it: creates the directory
 * integration, imports a generated directory of SERVICES services (tabular data package, zip) over HTTP, then sends
 * REQUESTS requests of each query mix, the mixes interleaved request by request so that each sees the same machine,
 * together with a baseline: the HSDS root {@code GET /api/v1/plugins/social-services/}, the cheapest answer of the
 * same hub, route and plugin. The ratio of a mix's p50 to the baseline's says what the search itself costs.
 * Run by {@code bench/search-and-import.sh}; one client thread (latency, not throughput).
 *
 * <p>Usage: {@code SocialHttpBench HUB_URI HUB_ADMIN_TOKEN SERVICES REQUESTS [WARMUP_SECONDS]}
 */
public final class SocialHttpBench {

    private static final String ROOT = "/api/v1/plugins/social-services/";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String[] WORDS = {"Schulden", "Beratung Familie", "Migration", "Konzert", "Sucht",
        "Deutschkurs", "Wohnung", "Jugend", "Lesung", "Pflege", "Erziehungsberatung", "Beratung", "Familie",
        "debt counselling"};
    private static final String[] TOPICS = {"debt", "migration", "addiction", "family", "housing", "concert"};
    private static final String[] LANGUAGES = {"tr", "ar", "en", "uk", "ru"};

    private SocialHttpBench() {
    }

    public static void main(String[] args) throws Exception {
        URI hub = URI.create(args[0]);
        String hubToken = args[1];
        int services = Integer.parseInt(args[2]);
        int requests = Integer.parseInt(args[3]);
        int warmupSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 15;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> created = send(http, HttpRequest.newBuilder(hub.resolve("/api/v1/admin/integrations"))
            .header("Authorization", "Bearer " + hubToken).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-directory\",\"connector\":\"hsds-directory\","
                + "\"config\":{}}")).build());
        check(created, 201);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (send(http, HttpRequest.newBuilder(hub.resolve(ROOT)).GET().build()).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hsds-directory integration did not answer " + ROOT
                    + " within 60 s: see the hub's log");
            }
            Thread.sleep(200);
        }

        DataSet set = DemoData.generate(Math.max(1, services / 50), Math.min(services, 50), 1, LocalDate.now(BERLIN));
        byte[] zip = TabularWriter.zip(TabularWriter.write(set));
        if (args.length > 5) {
            Files.write(Path.of(args[5]), zip);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> imported = send(http, HttpRequest.newBuilder(hub.resolve(ROOT + "import"))
            .header("Authorization", "Bearer " + hubToken).header("Content-Type", "application/zip")
            .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build());
        check(imported, 200);
        System.out.printf(Locale.ROOT, "HTTP IMPORT %d services (%.1f MB zip): %.1f s %s%n", set.services().size(),
            zip.length / 1e6, (System.nanoTime() - t0) / 1e9, imported.body());
        long t1 = System.nanoTime();
        HttpResponse<String> again = send(http, HttpRequest.newBuilder(hub.resolve(ROOT + "import"))
            .header("Authorization", "Bearer " + hubToken).header("Content-Type", "application/zip")
            .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofByteArray(zip)).build());
        check(again, 200);
        System.out.printf(Locale.ROOT, "HTTP RE-IMPORT unchanged: %.1f s %s%n", (System.nanoTime() - t1) / 1e9,
            again.body());

        Map<String, Function<Random, String>> mixes = mixes();
        Random rnd = new Random(11);
        List<String> names = new ArrayList<>(mixes.keySet());
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        for (int i = 0; System.nanoTime() < warmEnd; i++) {
            get(http, hub, mixes.get(names.get(i % names.size())).apply(rnd));
        }
        Map<String, long[]> took = new LinkedHashMap<>();
        Map<String, long[]> hits = new LinkedHashMap<>();
        names.forEach(n -> {
            took.put(n, new long[requests]);
            hits.put(n, new long[requests]);
        });
        for (int i = 0; i < requests; i++) {
            for (String n : names) {
                String q = mixes.get(n).apply(rnd);
                long a = System.nanoTime();
                HttpResponse<String> r = get(http, hub, q);
                took.get(n)[i] = System.nanoTime() - a;
                check(r, 200);
                hits.get(n)[i] = totalItems(r.body());
            }
        }
        double base = median(took.get("baseline"));
        for (String n : names) {
            long[] t = took.get(n);
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "HTTP %-38s n=%d p50=%6.2f ms p99=%6.2f ms max=%6.1f ms  p50/baseline=%5.1f"
                    + "  avg total_items %d%n", n, requests, t[requests / 2] / 1e6, t[(int) (requests * 0.99)] / 1e6,
                t[requests - 1] / 1e6, t[requests / 2] / base, Arrays.stream(hits.get(n)).sum() / requests);
        }
    }

    /** The query mixes: path and query below the plugin root; "baseline" is the HSDS root. */
    static Map<String, Function<Random, String>> mixes() {
        Map<String, Function<Random, String>> m = new LinkedHashMap<>();
        m.put("baseline", r -> "");
        m.put("text (Schulden, Beratung Familie, ...)", r -> "search?q=" + enc(WORDS[r.nextInt(WORDS.length)]));
        m.put("text + open now", r -> "search?q=" + enc(WORDS[r.nextInt(WORDS.length)]) + "&open_now=true");
        m.put("topic + language + free", r -> "search?topic=" + TOPICS[r.nextInt(TOPICS.length)] + "&language="
            + LANGUAGES[r.nextInt(LANGUAGES.length)] + "&free=true");
        m.put("topic + open now", r -> "search?topic=" + TOPICS[r.nextInt(TOPICS.length)] + "&open_now=true");
        m.put("step-free within 2 km + open now", r -> "search?accessibility=step-free&" + near(r)
            + "&radius_km=2&open_now=true");
        m.put("within 2 km + open now", r -> "search?" + near(r) + "&radius_km=2&open_now=true");
        m.put("text + 3 km + step-free + open at", r -> "search?q=" + enc(WORDS[r.nextInt(WORDS.length)]) + "&"
            + near(r) + "&radius_km=3&accessibility=step-free&open_at="
            + enc(LocalDateTime.now(BERLIN).plusHours(r.nextInt(7 * 24)).withMinute(0).withSecond(0).withNano(0)
            .toString()));
        return m;
    }

    private static String near(Random r) {
        return String.format(Locale.ROOT, "lat=%.4f&lon=%.4f", 53.86 + r.nextDouble() * 0.03,
            10.66 + r.nextDouble() * 0.06);
    }

    private static long totalItems(String body) {
        int i = body.indexOf("\"total_items\":");
        if (i < 0) {
            return 0;
        }
        int j = i + 14;
        int k = j;
        while (k < body.length() && Character.isDigit(body.charAt(k))) {
            k++;
        }
        return Long.parseLong(body.substring(j, k));
    }

    private static double median(long[] t) {
        long[] c = t.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> get(HttpClient http, URI hub, String pathAndQuery) {
        return send(http, HttpRequest.newBuilder(hub.resolve(ROOT + pathAndQuery)).GET().build());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }

    private static void check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": "
                + r.body().substring(0, Math.min(500, r.body().length())));
        }
    }
}
