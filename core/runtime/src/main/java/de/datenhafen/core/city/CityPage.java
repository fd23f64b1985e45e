package de.datenhafen.core.city;

import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.QueryString;
import de.datenhafen.api.web.Html;
import de.datenhafen.api.web.PublicPage;
import de.datenhafen.api.web.PublicRequest;
import de.datenhafen.api.web.PublicSection;
import de.datenhafen.core.city.PublicSections.Registered;
import de.datenhafen.core.http.Errors;
import de.datenhafen.core.http.LogText;
import de.datenhafen.core.web.Assets;
import de.datenhafen.core.web.Language;
import de.datenhafen.core.web.Messages;
import de.datenhafen.core.web.Page;
import de.datenhafen.core.web.WebPages;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The city's public page: {@code /} (the home page with a card per running section), {@code /<id>} and
 * {@code /<id>/...} (a section's pages in the shell) and {@code /city-assets/<id>/<digest>/...} (a section's files).
 * No sign-in. Sections' code runs on the {@value #WORKERS} worker pool with the plugin's class loader, never on the
 * event loop. Pages are sent with a weak {@code ETag} (the section's validator and the language, or a digest of the
 * page) and {@code Cache-Control: no-cache}, so a browser and the refreshing module revalidate and get 304 when nothing
 * changed; a section's {@code Last-Modified} is passed on.
 */
public final class CityPage {

    private static final Logger LOG = LoggerFactory.getLogger(CityPage.class);
    static final String WORKERS = "city-pages";
    /** How long a rendered page is answered again before it is rendered anew. */
    static final long FRESH_MILLIS = 1000;
    static final int MAX_RENDERINGS = 2000;
    private static final Pattern SECTION_PATH = Pattern.compile("/([a-z][a-z0-9-]{1,31})(/.*)?");

    private final Vertx vertx;
    private final WorkerExecutor workers;
    private final long renderTimeoutMillis;
    private final int sectionRenders;
    /** Renderings running now per section ({@code ""} for the home page). */
    private final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.AtomicInteger> busy =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final PublicSections sections;
    private final Assets assets;
    private final Messages texts;
    private final java.util.concurrent.ConcurrentMap<String, Rendering> renderings =
        new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param renderTimeout how long a request waits for a section's rendering before it is answered 503
     * @param sectionRenders how many renderings one section may run at once (of the 16 workers)
     */
    public CityPage(Vertx vertx, PublicSections sections, Assets assets, java.time.Duration renderTimeout,
                    int sectionRenders) {
        this.vertx = vertx;
        this.workers = vertx.createSharedWorkerExecutor(WORKERS, 16);
        this.renderTimeoutMillis = Math.max(1, renderTimeout.toMillis());
        this.sectionRenders = Math.max(1, sectionRenders);
        this.sections = sections;
        this.assets = assets;
        this.texts = Messages.of(CityPage.class.getClassLoader(), "web/city/messages");
    }

    /** Mounts the page's routes. After the hub's own routes, before Camel adds the plugins'. */
    public void mount(Router router) {
        router.get("/").handler(this::home);
        router.head("/").handler(this::home);
        router.get(PublicSections.ASSETS + "*").handler(this::sectionAsset);
        // no method on the route: a GET-only route matching every first segment would turn other methods' 404s
        // (a POST to an unknown plugin path) into 405s; the handler passes on what is not a section's GET
        // and no capturing group: the router would add its groups as path parameters, which the plugin route
        // after it would see (and the audit log name as its target)
        // and not on the hub's own first segments: there a wrong method must stay the router's 405
        router.routeWithRegex("/(?!(?:" + PublicSections.RESERVED.stream().map(java.util.regex.Pattern::quote)
            .collect(java.util.stream.Collectors.joining("|")) + ")(?:/|$))[a-z][a-z0-9-]{1,31}(?:/.*)?")
            .handler(this::sectionPage);
        errorPages(router);
    }

    /**
     * A browser that asks for a page the hub has not (an unknown first segment, a path the router could not read) gets
     * the city's error page in the shell instead of the API's JSON; the hub's own paths keep their JSON.
     */
    private void errorPages(Router router) {
        for (int status : new int[] {400, 404}) {
            router.errorHandler(status, ctx -> {
                if (wantsPage(ctx)) {
                    Language language = Language.of(ctx);
                    Answer a = errorPage(ctx, language, null, status, null);
                    send(ctx, a.status(), language, a.html(), null, null);
                } else if (status == 400) {
                    Errors.refusedByRouter(ctx);
                } else {
                    Errors.handle(ctx);
                }
            });
        }
    }

    private static boolean wantsPage(RoutingContext ctx) {
        io.vertx.core.http.HttpMethod method = ctx.request().method();
        String accept = ctx.request().getHeader("Accept");
        if ((method != io.vertx.core.http.HttpMethod.GET && method != io.vertx.core.http.HttpMethod.HEAD)
            || accept == null || !accept.contains("text/html") || ctx.response().headWritten()) {
            return false;
        }
        String path = ctx.request().path();
        if (path == null || !path.startsWith("/")) {
            return false;
        }
        int end = path.indexOf('/', 1);
        return !PublicSections.RESERVED.contains(end < 0 ? path.substring(1) : path.substring(1, end));
    }

    private void home(RoutingContext ctx) {
        Language language = Language.of(ctx);
        List<Registered> running = sections.running();
        rendered(ctx, "", "home|" + language.code(), () -> {
            Html main = new Html().element("h1", texts.get(language, "city.home.title"))
                .element("p", texts.get(language, "city.home.intro"));
            if (running.isEmpty()) {
                main.element("p", texts.get(language, "city.home.empty"));
            } else {
                main.open("div", "class", "cards");
                for (Registered r : running) {
                    Request req = new Request(r, language, "", QueryString.parse(null));
                    String title = r.title(language.code());
                    main.open("article", "class", "card", "aria-labelledby", "card-" + r.id())
                        .open("h2", "id", "card-" + r.id()).link("/" + r.id(), title).close("h2");
                    try {
                        Optional<Html> summary = call(r, () -> r.section().summary(req));
                        summary.ifPresent(main::append);
                    } catch (RuntimeException e) {
                        LOG.warn("The card of {} failed: {}", r, e.toString());
                    }
                    main.close("article");
                }
                main.close("div");
            }
            return new Answer(200, shell(ctx, language, "/", texts.get(language, "city.home.title"), null, main,
                List.of(), List.of()), null, null);
        }, language);
    }

    private void sectionPage(RoutingContext ctx) {
        String raw = ctx.request().path();
        var m = SECTION_PATH.matcher(raw);
        io.vertx.core.http.HttpMethod method = ctx.request().method();
        boolean get = method == io.vertx.core.http.HttpMethod.GET || method == io.vertx.core.http.HttpMethod.HEAD;
        Optional<Registered> found = get && m.matches() ? sections.find(m.group(1)) : Optional.empty();
        if (found.isEmpty()) {
            ctx.next(); // a plugin's own public path, or the hub's 404
            return;
        }
        Registered r = found.get();
        Language language = Language.of(ctx);
        String rest = m.group(2) == null ? "" : m.group(2).substring(1);
        String rawQuery = ctx.request().query();
        rendered(ctx, r.id(), r.id() + "|" + language.code() + "|" + raw + (rawQuery == null ? "" : "?" + rawQuery),
            () -> {
            String path;
            QueryString query;
            try {
                path = decodePath(rest);
                query = QueryString.parse(ctx.request().query());
            } catch (InvalidInputException e) {
                return errorPage(ctx, language, r, 400, e.getMessage());
            }
            Request req = new Request(r, language, path, query);
            PublicPage page;
            try {
                page = call(r, () -> r.section().render(req));
            } catch (NotFoundException e) {
                return errorPage(ctx, language, r, 404, null);
            } catch (InvalidInputException e) {
                return errorPage(ctx, language, r, 400, e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("The page {} of {} failed", raw, r, e);
                return errorPage(ctx, language, r, 500, null);
            }
            String html = shell(ctx, language, raw, page.title(), r, page.body(), page.stylesheets(), page.modules());
            return new Answer(200, html, page.etag() == null ? null : r.id() + "-" + page.etag() + "-"
                + language.code(), page.lastModified());
        }, language);
    }

    private void sectionAsset(RoutingContext ctx) {
        String rest = ctx.request().path().substring(PublicSections.ASSETS.length());
        int slash = rest.indexOf('/');
        Optional<Registered> r = slash < 0 ? Optional.empty() : sections.find(rest.substring(0, slash));
        if (r.isEmpty() || r.get().assets() == null) {
            ctx.fail(404);
            return;
        }
        r.get().assets().serveOwn(ctx);
    }

    /** What a section page answers. */
    private record Answer(int status, String html, String etag, Instant lastModified) {
    }

    private Answer errorPage(RoutingContext ctx, Language language, Registered r, int status, String detail) {
        String key = status == 404 ? "city.notfound" : status == 400 ? "city.bad" : status == 503 ? "city.unavailable"
            : "city.error";
        Html main = new Html().element("h1", texts.get(language, key + ".title"))
            .element("p", detail != null ? detail : texts.get(language, key + ".text"))
            .open("p").link("/", texts.get(language, "city.home.back")).close("p");
        return new Answer(status, shell(ctx, language, ctx.request().path(), texts.get(language, key + ".title"), r,
            main, List.of(), List.of()), null, null);
    }

    /** The page around a section's content: navigation of the running sections, language switch, styles, modules. */
    private String shell(RoutingContext ctx, Language language, String path, String title, Registered current,
                         Html main, List<String> stylesheets, List<String> modules) {
        List<Page.NavItem> nav = new ArrayList<>();
        for (Registered r : sections.running()) {
            nav.add(new Page.NavItem("/" + r.id(), r.title(language.code()),
                current != null && current.id().equals(r.id())));
        }
        String query = ctx.request().query();
        Page page = Page.builder(language, texts, assets, query == null ? path : path + "?" + query)
            .title(title).brand(texts.get(language, "city.brand"), "/")
            .nav(nav, texts.get(language, "city.nav"))
            .stylesheet("city/city.css").module("city/live.js");
        stylesheets.forEach(page::stylesheetUrl);
        modules.forEach(page::moduleUrl);
        return page.main(main).render();
    }

    /** Sends a page with its validators; a matching {@code If-None-Match} gets 304 without the body. */
    private static void send(RoutingContext ctx, int status, Language language, String html, String etag,
                             Instant lastModified) {
        if (status != 200) {
            WebPages.send(ctx, status, language, html);
            return;
        }
        String tag = "W/\"" + etag + "\"";
        HttpServerResponse response = ctx.response();
        WebPages.securityHeaders(response);
        response.putHeader("ETag", tag).putHeader("Cache-Control", "no-cache")
            .putHeader("Vary", "Cookie, Accept-Language").putHeader("Content-Language", language.code());
        if (lastModified != null) {
            response.putHeader("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                lastModified.atOffset(ZoneOffset.UTC)));
        }
        String match = ctx.request().getHeader("If-None-Match");
        if (match != null && (match.equals(tag) || match.equals(tag.substring(2)))) {
            response.setStatusCode(304).end();
            return;
        }
        response.setStatusCode(200).putHeader("Content-Type", "text/html; charset=utf-8");
        WebPages.end(ctx, html);
    }

    /**
     * Answers with the page {@code key} names (section, language, path and query: a public page is the same for
     * everyone), rendered off the event loop at most once per {@value #FRESH_MILLIS} ms: readers that refresh every
     * second share one rendering, and one that arrives while it runs waits for it instead of starting another (a
     * rendering still running is never started again beside itself). A failed rendering is the hub's 500 and is not
     * kept.
     *
     * <p>Containment of a slow or hanging section: it may run {@code sectionRenders} renderings at once, past that its
     * pages are 503 with {@code Retry-After} at once; a request waits at most the render time-out, then it is 503 too
     * (the section's code may run on, holding its worker, which the limit bounds). The other sections and the home
     * page keep their workers.
     */
    private void rendered(RoutingContext ctx, String section, String page, Callable<Answer> work, Language language) {
        String key = sections.version() + "|" + page; // a section that comes or goes changes every page's navigation
        long now = System.nanoTime();
        Rendering r = renderings.get(key);
        if (r == null || (r.answer().isComplete() && now - r.at() > FRESH_MILLIS * 1_000_000L)) {
            if (renderings.size() >= MAX_RENDERINGS) {
                renderings.clear(); // made-up paths must not fill the heap; the next second fills it again
            }
            java.util.concurrent.atomic.AtomicInteger running =
                busy.computeIfAbsent(section, s -> new java.util.concurrent.atomic.AtomicInteger());
            if (running.incrementAndGet() > sectionRenders) {
                running.decrementAndGet();
                LOG.warn("The city page's section '{}' is rendering {} pages already; {} answered 503", section,
                    sectionRenders, LogText.escape(ctx.request().path()));
                busyAnswer(ctx, language, section, "city.busy");
                return;
            }
            Rendering fresh = new Rendering(now, workers.<Answer>executeBlocking(() -> {
                try {
                    return validated(work.call(), language);
                } finally {
                    running.decrementAndGet();
                }
            }, false));
            r = renderings.merge(key, fresh, (old, mine) ->
                old.answer().isComplete() && now - old.at() > FRESH_MILLIS * 1_000_000L ? mine : old);
            if (r == fresh) { // else another request started the same page at the same moment; this one runs unused
                fresh.answer().onFailure(e -> renderings.remove(key, fresh));
            }
        }
        Rendering mine = r;
        long timer = vertx.setTimer(renderTimeoutMillis, id -> {
            if (!ctx.response().ended() && !ctx.response().headWritten()) {
                LOG.warn("The city page {} took longer than {} ms; answered 503", LogText.escape(ctx.request().path()),
                    renderTimeoutMillis);
                renderings.remove(key, mine); // the next request tries again once it has ended
                busyAnswer(ctx, language, section, "city.slow");
            }
        });
        // A rendering is shared by the requests for its page, and its future calls back on the event loop of the
        // request that started it; the hub serves connections on several loops, so this request's answer (and the
        // check against its time-out above, on this loop) must hop back to its own loop first.
        Context own = vertx.getOrCreateContext();
        r.answer().onComplete(ar -> {
            if (Vertx.currentContext() == own) {
                answer(ctx, language, timer, ar);
            } else {
                own.runOnContext(v -> answer(ctx, language, timer, ar));
            }
        });
    }

    /** Sends a rendering's outcome, on the request's own event loop, unless the time-out answered already. */
    private void answer(RoutingContext ctx, Language language, long timer, AsyncResult<Answer> ar) {
        vertx.cancelTimer(timer);
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return; // answered 503 at the time-out
        }
        if (ar.succeeded()) {
            Answer a = ar.result();
            send(ctx, a.status(), language, a.html(), a.etag(), a.lastModified());
        } else {
            LOG.error("The city page {} failed", LogText.escape(ctx.request().path()), ar.cause());
            ctx.fail(500, ar.cause());
        }
    }

    /** A 503 page in the shell (the section busy or slow), with {@code Retry-After}: the reader's page tries again. */
    private void busyAnswer(RoutingContext ctx, Language language, String section, String text) {
        Registered r = section.isEmpty() ? null : sections.find(section).orElse(null);
        ctx.response().putHeader("Retry-After", "5");
        Answer a = errorPage(ctx, language, r, 503, texts.get(language, text));
        send(ctx, a.status(), language, a.html(), null, null);
    }

    /** The answer with its entity tag: the section's, or else a digest of the page, made once per rendering. */
    private static Answer validated(Answer a, Language language) {
        if (a.status() != 200 || a.etag() != null) {
            return a;
        }
        return new Answer(a.status(), a.html(), language.code() + "-" + digest(a.html()), a.lastModified());
    }

    /** A page rendered (or being rendered) at {@code at} (nanoTime). */
    private record Rendering(long at, io.vertx.core.Future<Answer> answer) {
    }

    /** Calls a section's code with its plugin's class loader as context class loader. */
    private static <T> T call(Registered r, java.util.function.Supplier<T> code) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(r.loader());
        try {
            return code.get();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    /** The raw path below a section, each segment percent-decoded ({@code +} stays a plus in a path). */
    static String decodePath(String raw) {
        List<String> out = new ArrayList<>();
        for (String segment : raw.split("/", -1)) {
            try {
                out.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("the path has a malformed %-escape: " + segment, "path");
            }
        }
        return String.join("/", out);
    }

    static String encodeSegment(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String digest(String html) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(html.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a section sees of one request. */
    private final class Request implements PublicRequest {
        private final Registered section;
        private final Language language;
        private final String path;
        private final QueryString query;

        Request(Registered section, Language language, String path, QueryString query) {
            this.section = section;
            this.language = language;
            this.path = path;
            this.query = query;
        }

        @Override
        public String language() {
            return language.code();
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public QueryString query() {
            return query;
        }

        @Override
        public String href(String subPath) {
            StringBuilder s = new StringBuilder("/").append(section.id());
            if (subPath != null && !subPath.isEmpty()) {
                for (String segment : subPath.split("/", -1)) {
                    s.append('/').append(encodeSegment(segment));
                }
            }
            return s.toString();
        }

        @Override
        public String asset(String file) {
            if (section.assets() == null) {
                throw new IllegalArgumentException("section " + section.id() + " declares no assets folder");
            }
            return section.assets().url(file);
        }

        @Override
        public List<NearbyGroup> near(double lat, double lon, int max) {
            List<NearbyGroup> out = new ArrayList<>();
            for (Registered other : sections.running()) {
                if (other.id().equals(section.id())) {
                    continue;
                }
                try {
                    Request theirs = new Request(other, language, "", QueryString.parse(null));
                    List<PublicSection.Nearby> items = call(other, () -> other.section().near(lat, lon, max, theirs));
                    if (!items.isEmpty()) {
                        out.add(new NearbyGroup(other.title(language.code()), items));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("{} could not say what is near {},{}: {}", other, lat, lon, e.toString());
                }
            }
            return out;
        }
    }
}
