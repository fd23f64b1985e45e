package de.datenhafen.plugins.social;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A made-up directory of offers in the made-up town of Kleinhafen: organisations with one or two sites, counselling
 * services with weekly and monthly hours and holiday closures, cultural offers on one evening or in a short series,
 * names and descriptions in German with English beside them. Deterministic for a seed and a start date; the same
 * generator, scaled up, feeds the benchmark.
 */
final class DemoData {

    /** topic code, German name, English name, German description, English description, counselling? */
    private static final String[][] OFFERS = {
        {"debt", "Schuldnerberatung", "Debt counselling", "Wir helfen bei Schulden, Mahnungen und Pfändungen und "
            + "begleiten Sie in die Verbraucherinsolvenz.", "Help with debts, reminders and seizures, and support "
            + "through consumer insolvency.", "y"},
        {"debt", "Budgetberatung für junge Erwachsene", "Budget advice for young adults", "Haushaltsplan, "
            + "Handyverträge und erste eigene Wohnung: wir rechnen gemeinsam.", "Household budget, phone contracts "
            + "and the first flat: we do the sums together.", "y"},
        {"migration", "Migrationsberatung für Erwachsene", "Migration advice for adults", "Beratung zu "
            + "Aufenthalt, Sprachkursen, Anerkennung von Abschlüssen und Behördengängen.", "Advice on residence, "
            + "language courses, recognition of qualifications and dealing with authorities.", "y"},
        {"migration", "Jugendmigrationsdienst", "Youth migration service", "Begleitung junger Zugewanderter "
            + "zwischen 12 und 27 Jahren in Schule, Ausbildung und Beruf.", "Support for young newcomers aged 12 "
            + "to 27 in school, training and work.", "y"},
        {"addiction", "Suchtberatung", "Addiction counselling", "Vertrauliche Beratung bei Alkohol, Drogen, "
            + "Glücksspiel und Mediensucht, auch für Angehörige.", "Confidential counselling on alcohol, drugs, "
            + "gambling and media addiction, also for relatives.", "y"},
        {"family", "Erziehungs- und Familienberatung", "Parenting and family counselling", "Unterstützung bei "
            + "Erziehungsfragen, Trennung und Scheidung und Konflikten in der Familie.", "Support with parenting, "
            + "separation and divorce, and conflicts in the family.", "y"},
        {"family", "Schwangerschaftsberatung", "Pregnancy counselling", "Beratung rund um Schwangerschaft, "
            + "Geburt und finanzielle Hilfen für Familien.", "Advice on pregnancy, birth and financial help for "
            + "families.", "y"},
        {"housing", "Wohnungsnotfallhilfe", "Housing emergency help", "Hilfe bei drohendem Wohnungsverlust, "
            + "Räumungsklagen und Mietschulden.", "Help when you are about to lose your home, with eviction "
            + "claims and rent arrears.", "y"},
        {"work", "Erwerbslosenberatung", "Advice for the unemployed", "Beratung zu Bürgergeld, Bescheiden und "
            + "Widersprüchen beim Jobcenter.", "Advice on citizen's income, notices and objections at the job "
            + "centre.", "y"},
        {"health", "Psychosoziale Beratungsstelle", "Psychosocial counselling centre", "Gespräche in Krisen, bei "
            + "Ängsten und Depressionen, ohne Überweisung.", "Talks in a crisis, with anxiety and depression, no "
            + "referral needed.", "y"},
        {"seniors", "Pflegestützpunkt", "Care advice point", "Neutrale Beratung zu Pflegegrad, Pflegediensten und "
            + "Entlastung für pflegende Angehörige.", "Independent advice on care levels, care services and "
            + "relief for family carers.", "y"},
        {"youth", "Offener Jugendtreff", "Open youth club", "Treffpunkt für Jugendliche mit Hausaufgabenhilfe, "
            + "Kicker und Beratung.", "Meeting place for young people with homework help, table football and "
            + "advice.", "y"},
        {"disability", "Ergänzende unabhängige Teilhabeberatung", "Independent participation advice", "Beratung "
            + "für Menschen mit Behinderungen und ihre Angehörigen, von Betroffenen.", "Advice for people with "
            + "disabilities and their families, by people with disabilities.", "y"},
        {"concert", "Hafenkonzert", "Harbour concert", "Kammermusik im Speicher am Hafen, mit Werken von "
            + "Brahms und Clara Schumann.", "Chamber music in the harbour warehouse, works by Brahms and Clara "
            + "Schumann.", "n"},
        {"concert", "Chorabend der Stadtteilchöre", "Choir evening", "Die Chöre der Stadtteile singen Lieder aus "
            + "aller Welt.", "The district choirs sing songs from around the world.", "n"},
        {"reading", "Lesung: Geschichten vom Meer", "Reading: stories of the sea", "Autorinnen und Autoren "
            + "lesen aus neuen Büchern, anschließend Gespräch.", "Authors read from new books, followed by a "
            + "conversation.", "n"},
        {"exhibition", "Ausstellung: Kleinhafen im Wandel", "Exhibition: Kleinhafen through the ages",
            "Fotografien aus hundert Jahren Stadtgeschichte.", "Photographs from a hundred years of the town's "
            + "history.", "n"},
        {"theatre", "Mitmachtheater für Kinder", "Join-in theatre for children", "Ein Stück zum Mitspielen für "
            + "Kinder ab vier Jahren.", "A play to join in for children from four.", "n"},
        {"cinema", "Kino im Stadtteilzentrum", "Community cinema", "Filme mit Untertiteln, danach Tee und "
            + "Gespräch.", "Films with subtitles, then tea and a chat.", "n"},
        {"course", "Deutschkurs im Café", "German practice café", "Deutsch sprechen üben in entspannter Runde, "
            + "für alle Niveaus.", "Practise speaking German in a relaxed group, all levels.", "n"},
    };

    private static final String[] ORGS = {
        "Diakonisches Werk Kleinhafen", "Caritasverband Kleinhafen", "AWO Kreisverband Kleinhafen",
        "Paritätischer Wohlfahrtsverband Kleinhafen", "DRK Ortsverein Kleinhafen", "Verbraucherzentrale Kleinhafen",
        "Kulturzentrum Alter Speicher", "Stadtbibliothek Kleinhafen", "Verein Miteinander e.V.",
        "Jugendhilfe Nord gGmbH", "Frauen- und Familienzentrum Kleinhafen", "Musikschule Kleinhafen",
    };

    private static final String[] STREETS = {"Hafenstraße", "Mühlenweg", "Am Markt", "Lindenallee", "Speicherkai",
        "Schulstraße", "Kirchplatz", "Gartenstraße", "Fischerweg", "Bahnhofstraße", "Rosenhof", "Deichstraße"};

    private static final String[] LANGS = {"en", "tr", "ar", "uk", "ru", "pl", "fa"};
    private static final String[] LANG_NAMES = {"Englisch / English", "Türkisch / Turkish", "Arabisch / Arabic",
        "Ukrainisch / Ukrainian", "Russisch / Russian", "Polnisch / Polish", "Persisch / Persian"};

    /** The seed in the ids of the services written out for the README (the generated ones use the demo's 42). */
    private static final long SHOWCASE = 4242;

    private DemoData() {
    }

    /**
     * The demo directory: a dozen organisations with four services each, plus two written out for the README's
     * examples: a crisis line open around the clock (so {@code open_now=true} finds an offer at 03:00 too), and a debt
     * counselling in Turkish, free, step-free, near the town centre (so the showcase search finds what it asks for).
     */
    static DataSet demo(LocalDate today) {
        DataSet generated = generate(12, 4, 42, today);
        List<ObjectNode> orgs = new ArrayList<>(generated.organizations());
        List<ObjectNode> services = new ArrayList<>(generated.services());
        crisisLine(orgs, services);
        turkishDebtCounselling(orgs, services);
        return new DataSet(orgs, services, generated.taxonomies(), generated.terms());
    }

    /** An ecumenical crisis line, by phone and chat, every day around the clock: no address, a virtual location. */
    private static void crisisLine(List<ObjectNode> orgs, List<ObjectNode> services) {
        String orgId = organization(orgs, 0, "Ökumenische Telefonseelsorge Kleinhafen", "Evangelische und katholische "
            + "Kirche in Kleinhafen / Protestant and Catholic churches of Kleinhafen", "telefonseelsorge");
        ObjectNode location = Json.object().put("id", id(SHOWCASE, "loc", 0)).put("location_type", "virtual")
            .put("organization_id", orgId).put("name", "Telefon und Chat / phone and chat")
            .put("url", "https://telefonseelsorge.kleinhafen.example/chat");
        ObjectNode s = showcaseService(0, orgId, "Krisentelefon", "Crisis line", "Rund um die Uhr erreichbar, anonym "
            + "und vertraulich: Gespräche in Krisen, bei Einsamkeit, Trauer und Suizidgedanken, am Telefon oder im "
            + "Chat. / Available around the clock, anonymous and confidential: talks in a crisis, with loneliness, "
            + "grief or thoughts of suicide, by phone or chat.", "health", "+49 451 7070700", location);
        s.withArray("languages").add(language(s, "en", "Englisch / English"));
        // every day from 00:00 to 00:00 the next day: closes_at at or before opens_at runs past midnight
        s.withArray("schedules").add(Json.object().put("id", id(SHOWCASE, "sch-w0", 0)).put("service_id", Json.str(s,
                "id")).put("freq", "WEEKLY").put("byday", "MO,TU,WE,TH,FR,SA,SU").put("opens_at", "00:00")
            .put("closes_at", "00:00").put("description", "Rund um die Uhr, auch an Feiertagen / around the clock, "
                + "holidays included"));
        DataSets.sortNested(s);
        services.add(s);
    }

    /** Debt counselling with consultations in Turkish, at a step-free office by the market (0.4 km from 53.87, 10.69). */
    private static void turkishDebtCounselling(List<ObjectNode> orgs, List<ObjectNode> services) {
        String orgId = organization(orgs, 1, "Schuldner- und Insolvenzberatung Kleinhafen e.V.", "Anerkannte Stelle "
            + "für Verbraucherinsolvenz / Approved consumer insolvency advice centre", "schuldnerberatung");
        String locId = id(SHOWCASE, "loc", 1);
        ObjectNode location = Json.object().put("id", locId).put("location_type", "physical")
            .put("organization_id", orgId).put("name", "Beratungsbüro Am Markt").put("latitude", 53.8668)
            .put("longitude", 10.6866);
        location.putArray("addresses").add(Json.object().put("id", id(SHOWCASE, "adr", 1)).put("location_id", locId)
            .put("address_1", "Am Markt 17").put("city", "Kleinhafen").put("state_province", "Schleswig-Holstein")
            .put("postal_code", "23552").put("country", "DE").put("address_type", "physical"));
        location.putArray("attributes").add(attribute(SHOWCASE, "loc-sf", 1, locId, "step-free"));
        location.putArray("accessibility").add(Json.object().put("id", id(SHOWCASE, "acc", 1))
            .put("location_id", locId).put("description", "Ebenerdiger Eingang / step-free entrance at street level"));
        ObjectNode s = showcaseService(1, orgId, "Schuldnerberatung auf Türkisch", "Debt counselling in Turkish",
            "Beratung bei Schulden, Mahnungen, Kontopfändung und Verbraucherinsolvenz, auf Deutsch und Türkisch. "
                + "Borç, ihtar ve icra konularında Türkçe danışmanlık. / Advice on debts, reminders, account seizure "
                + "and consumer insolvency, in German and Turkish.", "debt", "+49 451 3849260", location);
        s.withArray("languages").add(language(s, "tr", "Türkisch / Turkish"));
        String id = Json.str(s, "id");
        s.withArray("schedules").add(weekly(SHOWCASE, 1, 0, id, "MO,TU,TH", "09:00", "13:00"));
        s.withArray("schedules").add(weekly(SHOWCASE, 1, 1, id, "WE", "14:00", "18:00")
            .put("description", "Mittwochs Sprechstunde auf Türkisch / Wednesdays consultation in Turkish"));
        DataSets.sortNested(s);
        services.add(s);
    }

    /** A showcase organisation, with mail and website at {@code <host>.kleinhafen.example}; its id. */
    private static String organization(List<ObjectNode> orgs, int n, String name, String description, String host) {
        String id = id(SHOWCASE, "org", n);
        orgs.add(Json.object().put("id", id).put("name", name).put("description", description)
            .put("email", "info@" + host + ".kleinhafen.example").put("website", "https://" + host
                + ".kleinhafen.example"));
        return id;
    }

    /** A showcase service: German, free of charge, one topic, at one location. */
    private static ObjectNode showcaseService(int n, String orgId, String name, String alternate, String description,
                                              String topic, String phone, ObjectNode location) {
        String id = id(SHOWCASE, "svc", n);
        ObjectNode s = Json.object().put("id", id).put("organization_id", orgId).put("name", name)
            .put("alternate_name", alternate).put("description", description).put("status", "active");
        s.putArray("phones").add(Json.object().put("id", id(SHOWCASE, "tel", n)).put("service_id", id)
            .put("number", phone));
        s.putArray("languages").add(language(s, "de", "Deutsch / German"));
        s.putArray("cost_options").add(Json.object().put("id", id(SHOWCASE, "cost", n)).put("service_id", id)
            .put("amount", 0).put("currency", "EUR").put("option", "kostenlos / free of charge"));
        s.putArray("attributes").add(attribute(SHOWCASE, "svc-topic", n, id, topic));
        s.putArray("schedules");
        ObjectNode sal = Json.object().put("id", id(SHOWCASE, "sal", n)).put("service_id", id)
            .put("location_id", Json.str(location, "id"));
        sal.set("location", location);
        s.putArray("service_at_locations").add(sal);
        return s;
    }

    private static ObjectNode language(ObjectNode service, String code, String name) {
        String serviceId = Json.str(service, "id");
        return Json.object().put("id", CityTaxonomy.uuid("demo:showcase:lang-" + code + ":" + serviceId))
            .put("service_id", serviceId).put("name", name).put("code", code);
    }

    /** {@code organizations} organisations with {@code servicesPerOrganization} services each. */
    static DataSet generate(int organizations, int servicesPerOrganization, long seed, LocalDate today) {
        Random rnd = new Random(seed);
        List<ObjectNode> orgs = new ArrayList<>();
        List<ObjectNode> services = new ArrayList<>();
        for (int o = 0; o < organizations; o++) {
            String orgName = ORGS[o % ORGS.length] + (o < ORGS.length ? "" : " " + (o / ORGS.length + 1));
            String orgId = id(seed, "org", o);
            orgs.add(Json.object().put("id", orgId).put("name", orgName)
                .put("description", "Gemeinnütziger Träger in Kleinhafen / Non-profit provider in Kleinhafen")
                .put("email", "info@org" + o + ".kleinhafen.example").put("website", "https://org" + o
                    + ".kleinhafen.example"));
            List<ObjectNode> locations = new ArrayList<>();
            int sites = 1 + rnd.nextInt(2);
            for (int l = 0; l < sites; l++) {
                locations.add(location(seed, o, l, orgId, orgName, rnd));
            }
            for (int k = 0; k < servicesPerOrganization; k++) {
                int n = o * servicesPerOrganization + k;
                String[] offer = OFFERS[(o * 7 + k * 3 + (n / OFFERS.length)) % OFFERS.length];
                services.add(service(seed, n, orgId, offer, locations.get(k % locations.size()), rnd, today));
            }
        }
        return new DataSet(orgs, services, List.of(CityTaxonomy.taxonomy()), CityTaxonomy.terms());
    }

    private static ObjectNode location(long seed, int o, int l, String orgId, String orgName, Random rnd) {
        String id = id(seed, "loc", o * 10 + l);
        double lat = 53.860 + rnd.nextDouble() * 0.03;
        double lon = 10.660 + rnd.nextDouble() * 0.06;
        ObjectNode loc = Json.object().put("id", id).put("location_type", "physical").put("organization_id", orgId)
            .put("name", orgName + (l == 0 ? "" : " – Außenstelle"))
            .put("latitude", Math.round(lat * 1e5) / 1e5).put("longitude", Math.round(lon * 1e5) / 1e5);
        loc.putArray("addresses").add(Json.object().put("id", id(seed, "adr", o * 10 + l)).put("location_id", id)
            .put("address_1", STREETS[(o + l) % STREETS.length] + " " + (1 + rnd.nextInt(80)))
            .put("city", "Kleinhafen").put("state_province", "Schleswig-Holstein")
            .put("postal_code", "2" + (3500 + rnd.nextInt(90))).put("country", "DE").put("address_type", "physical"));
        boolean stepFree = rnd.nextInt(3) > 0;
        ArrayNode attrs = loc.putArray("attributes");
        ArrayNode acc = loc.putArray("accessibility");
        if (stepFree) {
            attrs.add(attribute(seed, "loc-sf", o * 10 + l, id, "step-free"));
            acc.add(Json.object().put("id", id(seed, "acc", o * 10 + l)).put("location_id", id)
                .put("description", "Stufenloser Eingang, Aufzug ins Obergeschoss / Step-free entrance, lift")
                .put("details", "Türbreite 90 cm / door width 90 cm"));
            if (rnd.nextBoolean()) {
                attrs.add(attribute(seed, "loc-wc", o * 10 + l, id, "accessible-toilet"));
            }
        }
        if (rnd.nextInt(4) == 0) {
            attrs.add(attribute(seed, "loc-hl", o * 10 + l, id, "hearing-loop"));
        }
        return loc;
    }

    private static ObjectNode service(long seed, int n, String orgId, String[] offer, ObjectNode location,
                                      Random rnd, LocalDate today) {
        String id = id(seed, "svc", n);
        boolean counselling = offer[5].equals("y");
        ObjectNode s = Json.object().put("id", id).put("organization_id", orgId).put("name", offer[1])
            .put("alternate_name", offer[2]).put("description", offer[3] + " / " + offer[4]).put("status", "active")
            .put("email", "kontakt" + n + "@kleinhafen.example");
        s.putArray("phones").add(Json.object().put("id", id(seed, "tel", n)).put("service_id", id)
            .put("number", "+49 451 " + (100000 + rnd.nextInt(899999))));
        ArrayNode langs = s.putArray("languages");
        langs.add(Json.object().put("id", id(seed, "lang-de", n)).put("service_id", id).put("name", "Deutsch / German")
            .put("code", "de"));
        int extra = offer[0].equals("migration") ? 3 : rnd.nextInt(3);
        for (int i = 0; i < extra; i++) {
            int li = (n + i * 3) % LANGS.length;
            langs.add(Json.object().put("id", id(seed, "lang-" + LANGS[li], n)).put("service_id", id)
                .put("name", LANG_NAMES[li]).put("code", LANGS[li]));
        }
        boolean free = counselling || rnd.nextInt(3) == 0;
        s.putArray("cost_options").add(Json.object().put("id", id(seed, "cost", n)).put("service_id", id)
            .put("amount", free ? 0 : 5 + rnd.nextInt(11)).put("currency", "EUR")
            .put("option", free ? "kostenlos / free of charge" : "Eintritt / admission"));
        s.putArray("attributes").add(attribute(seed, "svc-topic", n, id, offer[0]));
        ArrayNode schedules = s.putArray("schedules");
        if (counselling) {
            int v = n % 4;
            if (v == 0) {
                schedules.add(weekly(seed, n, 0, id, "MO,TU,TH", "09:00", "12:30"));
                schedules.add(weekly(seed, n, 1, id, "TH", "14:00", "18:00"));
            } else if (v == 1) {
                schedules.add(weekly(seed, n, 0, id, "MO,TU,WE,TH,FR", "08:30", "16:00"));
            } else if (v == 2) {
                schedules.add(weekly(seed, n, 0, id, "TU,FR", "10:00", "13:00"));
                schedules.add(Json.object().put("id", id(seed, "sch-m", n)).put("service_id", id).put("freq", "MONTHLY")
                    .put("byday", "2WE").put("opens_at", "17:00").put("closes_at", "19:00")
                    .put("description", "Offener Abend jeden zweiten Mittwoch / open evening every second Wednesday"));
            } else {
                schedules.add(weekly(seed, n, 0, id, "MO,WE", "13:00", "17:00"));
                schedules.add(weekly(seed, n, 1, id, "SA", "10:00", "12:00"));
            }
            LocalDate xmas = LocalDate.of(today.getYear(), 12, 24);
            schedules.add(Json.object().put("id", id(seed, "sch-x", n)).put("service_id", id)
                .put("valid_from", xmas.toString()).put("valid_to", xmas.plusDays(7).toString())
                .put("description", "Zwischen den Jahren geschlossen / closed over the holidays")
                .set("attributes", Json.array().add(attribute(seed, "sch-x-closed", n, id(seed, "sch-x", n), "closed"))));
        } else {
            LocalDate first = today.plusDays(2 + rnd.nextInt(40));
            if (n % 2 == 0) {
                schedules.add(Json.object().put("id", id(seed, "sch-e", n)).put("service_id", id)
                    .put("dtstart", first.toString()).put("opens_at", "19:30").put("closes_at", "21:30")
                    .put("description", "Einmalig / one evening only"));
            } else {
                LocalDate fri = first.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY));
                schedules.add(Json.object().put("id", id(seed, "sch-e", n)).put("service_id", id).put("freq", "WEEKLY")
                    .put("byday", "FR").put("dtstart", fri.toString()).put("count", 4).put("opens_at", "18:00")
                    .put("closes_at", "20:00").put("description", "Vier Freitage / four Fridays"));
            }
        }
        ObjectNode sal = Json.object().put("id", id(seed, "sal", n)).put("service_id", id)
            .put("location_id", Json.str(location, "id"));
        sal.set("location", location.deepCopy());
        s.putArray("service_at_locations").add(sal);
        DataSets.sortNested(s);
        return s;
    }

    private static ObjectNode weekly(long seed, int n, int k, String serviceId, String days, String opens,
                                     String closes) {
        return Json.object().put("id", id(seed, "sch-w" + k, n)).put("service_id", serviceId).put("freq", "WEEKLY")
            .put("byday", days).put("opens_at", opens).put("closes_at", closes);
    }

    private static ObjectNode attribute(long seed, String kind, int n, String linkId, String termCode) {
        return Json.object().put("id", id(seed, "attr-" + kind, n)).put("link_id", linkId)
            .put("taxonomy_term_id", CityTaxonomy.termId(termCode));
    }

    static String id(long seed, String kind, int n) {
        return CityTaxonomy.uuid("demo:" + seed + ":" + kind + ":" + n);
    }
}
