package de.datenhafen.core.http;

import de.datenhafen.api.ConfigProblem;
import de.datenhafen.api.ConflictException;
import de.datenhafen.api.ForbiddenException;
import de.datenhafen.api.HubException;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.api.NotFoundException;
import de.datenhafen.api.PayloadTooLargeException;
import de.datenhafen.api.RefusedException;
import de.datenhafen.api.RetryableException;
import de.datenhafen.api.UnauthorizedException;
import de.datenhafen.api.UnsupportedMediaTypeException;
import de.datenhafen.core.plugin.PluginCallException;
import de.datenhafen.core.plugin.PluginHost;
import de.datenhafen.core.plugin.PluginProblems;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become HTTP answers: a status that fits, and a JSON body
 * {@code {"error": "...", "field": "..."}} (plus {@code problems}, each with its field and its own words, when the
 * error sums up problems: several, or one named with its key).
 */
public final class Errors {

    /** The policy of every answer that is no page: nothing may load, nothing may frame it. */
    static final String NO_CONTENT_POLICY = "default-src 'none'; frame-ancestors 'none'";

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);
    /**
     * What Vert.x Web's 400 says when the query string's percent-escapes do not decode ({@code ?type=%zz}): the only
     * way it fails, since ill-formed UTF-8 in an escape decodes to U+FFFD there. Matched to answer with the field.
     */
    private static final String QUERY_NOT_DECODED = "Error while decoding query params";
    /** Routing context key of the request's id. */
    public static final String REQUEST_ID = "datenhafen.requestId";

    private Errors() {
    }

    /** The router's failure handler. */
    public static void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        int status = ctx.statusCode();
        if (failure == null) {
            send(ctx, status < 400 ? 500 : status, message(status), field(status), null);
            return;
        }
        if (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null) {
            failure = failure.getCause();
        }
        respond(ctx, failure);
    }

    /**
     * The router's own 400, before any route ran: without a failure the path's %-escapes could not be decoded; with
     * one, it is one of the router's fixed texts (a missing {@code Host} header, a path not starting with /).
     */
    public static void refusedByRouter(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure == null) {
            send(ctx, 400, "the request's path could not be read: each % must be followed by two hex digits",
                "path", null);
        } else if (failure instanceof io.vertx.core.VertxException) {
            send(ctx, 400, failure.getMessage(), null, null);
        } else {
            handle(ctx);
        }
    }

    /**
     * Answers the request with the error {@code failure} stands for; should answering fail itself (a bug: an error's
     * words that cannot be made), with a bare 500, so the request is never left without an answer.
     */
    public static void respond(RoutingContext ctx, Throwable failure) {
        try {
            answer(ctx, failure);
        } catch (RuntimeException broken) {
            String id = requestId(ctx);
            broken.addSuppressed(failure);
            LOG.error("Request {} failed, and so did the answer to it", id, broken);
            if (!ctx.response().ended() && !ctx.response().closed() && !ctx.response().headWritten()) {
                ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "internal error; the hub's log has the details under request id "
                        + id).put("requestId", id).encode());
            }
        }
    }

    private static void answer(RoutingContext ctx, Throwable failure) {
        ctx.put(FAILURE, failure); // the refusal's reason, in English, for its audit entry (HttpApi)
        if (failure instanceof HubException h && h.code() != null) {
            ctx.put(CODED, h);
        }
        if (failure instanceof InvalidInputException e) {
            ctx.response().putHeader("Vary", "Accept-Language"); // its problems' words are in the asked language
            send(ctx, 400, invalidText(ctx, e), e.field(), summed(e) ? problems(ctx, e.problems()) : null);
        } else if (failure instanceof UnauthorizedException e) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"datenhafen\"");
            send(ctx, 401, text(ctx, e), e.field(), null);
        } else if (failure instanceof ForbiddenException e) {
            send(ctx, 403, text(ctx, e), e.field(), null);
        } else if (failure instanceof TooManyRequestsException e) {
            ctx.response().putHeader("Retry-After", retryAfterSeconds(e.retryAfter()));
            send(ctx, 429, text(ctx, e), e.field(), null);
        } else if (failure instanceof NotFoundException e) {
            send(ctx, 404, text(ctx, e), e.field(), null);
        } else if (failure instanceof ConflictException e) {
            send(ctx, 409, text(ctx, e), e.field(), null);
        } else if (failure instanceof PayloadTooLargeException e) {
            send(ctx, 413, text(ctx, e), e.field(), null);
        } else if (failure instanceof UnsupportedMediaTypeException e) {
            HttpMethod method = ctx.request().method();
            if (!e.accepted().isEmpty() && (method == HttpMethod.PATCH || method == HttpMethod.POST)) {
                ctx.response().putHeader(method == HttpMethod.PATCH ? "Accept-Patch" : "Accept-Post",
                    String.join(", ", e.accepted()));
            }
            send(ctx, 415, text(ctx, e), e.field(), null);
        } else if (failure instanceof RefusedException e) {
            send(ctx, 422, text(ctx, e), e.field(), null);
        } else if (failure instanceof RetryableException e) {
            ctx.response().putHeader("Retry-After", retryAfterSeconds(e.retryAfter())); // rounded up, as a 429
            send(ctx, 503, text(ctx, e), e.field(), null);
        } else if (failure instanceof PluginCallException e) {
            LOG.warn("Plugin call failed: {}", e.getMessage());
            send(ctx, 502, e.getMessage(), null, null);
        } else if (failure instanceof HttpPostRequestDecoder.ErrorDataDecoderException) {
            send(ctx, 400, "the body is declared as form data (" + ctx.request().getHeader("Content-Type")
                + ") but is not valid form data; this route takes JSON: send Content-Type: application/json",
                "body", null);
        } else if (failure instanceof DecodeException) {
            send(ctx, 400, "the body is not valid JSON: " + jsonProblem(failure), "body", null);
        } else if (failure instanceof HttpException e && e.getStatusCode() == 400
            && QUERY_NOT_DECODED.equals(e.getPayload())) {
            send(ctx, 400, "the query string is not well-formed: each % must be followed by two hexadecimal digits "
                + "(%25 stands for % itself)", "query", null);
        } else if (failure instanceof HttpException e && e.getStatusCode() < 500) {
            send(ctx, e.getStatusCode(), e.getPayload() != null ? e.getPayload() : message(e.getStatusCode()),
                field(e.getStatusCode()), null);
        } else {
            // Database errors, stack details and plugin internals stay in the log, under the request's id.
            String id = requestId(ctx);
            LOG.error("Request {} {} {} failed", id, ctx.request().method(), LogText.escape(ctx.request().path()),
                failure);
            send(ctx, 500, "internal error; the hub's log has the details under request id " + id, null, null);
        }
    }

    /**
     * Whether {@code e}'s message sums up its problems rather than being the one problem's own words: several
     * problems, or one given with its key in front ({@code config.path: is required}, as an exception made from a
     * list of {@link de.datenhafen.api.ConfigProblem}s words it). Then the answer lists {@code problems} too, each
     * with its field and its own words, as {@code /validate} names them: a client shows each at its field without
     * taking the message apart, whether there is one or several.
     */
    private static boolean summed(InvalidInputException e) {
        return e.problems().size() > 1
            || e.problems().size() == 1 && !e.problems().get(0).message().equals(e.getMessage());
    }

    /** The id {@code HttpApi} gave the request (its {@code X-Request-Id} answer header). */
    public static String requestId(RoutingContext ctx) {
        String id = ctx.get(REQUEST_ID);
        return id == null ? "-" : id;
    }

    /**
     * Answers a request that never reached the router (an invalid request, one on a refused connection) with the hub's
     * JSON error, saying {@code Connection: close}; the returned future completes when the answer is written.
     */
    static io.vertx.core.Future<Void> respondUnrouted(io.vertx.core.http.HttpServerRequest request, int status,
                                                      String message, String field) {
        return request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .putHeader("Connection", "close").putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Content-Security-Policy", NO_CONTENT_POLICY)
            .end(new JsonObject().put("error", message).put("field", field).encode());
    }

    /** The context key of the coded error being answered ({@link HubException#coded}). */
    private static final String CODED = "datenhafen.error.coded";
    /** Routing context key of the failure a request was answered for ({@link #refusal}). */
    private static final String FAILURE = "datenhafen.error.failure";
    /** Routing context key of the field and words of an error answer the hub made without an exception's words. */
    private static final String SENT = "datenhafen.error.sent";
    /** The catalogue's German words, by code ({@code errors/messages_de.properties}). */
    private static final java.util.Properties GERMAN = catalogue("errors/messages_de.properties");

    /**
     * An error's words for the client: the catalogue's German ones for a coded error when the request prefers German
     * ({@code Accept-Language}, as the console's requests say the page's language), else its own English message.
     */
    static String text(RoutingContext ctx, HubException e) {
        try {
            if (e.code() == null || !asksGerman(ctx)) {
                return e.getMessage();
            }
            return catalogued(e.code(), e.args(), e.getMessage());
        } catch (RuntimeException unreadable) {
            return e.getMessage(); // the refusal is answered whatever the header holds
        }
    }

    /** The German words of the config problems the hub finds itself, by code ({@code errors/config_de.properties}). */
    private static final java.util.Properties CONFIG_GERMAN = catalogue("errors/config_de.properties");

    /**
     * Config problems as an answer lists them: each its field, its words (for a coded problem when the request prefers
     * German, the catalogue's German ones as for a coded error, or a connector's plugin's, see {@link #german}), and
     * its code when it has one.
     */
    public static JsonArray problems(RoutingContext ctx, java.util.List<de.datenhafen.api.ConfigProblem> problems) {
        boolean german = asksGerman(ctx);
        JsonArray out = new JsonArray();
        for (de.datenhafen.api.ConfigProblem p : problems) {
            JsonObject one = new JsonObject().put("field", p.field())
                .put("error", german ? german(p, ctx.get(PLUGINS)) : p.message());
            if (p.code() != null) {
                one.put("code", p.code());
            }
            out.add(one);
        }
        return out;
    }

    /**
     * The context key of the plugins whose texts say a connector's own coded problems ({@link PluginProblems}); the
     * routes that answer such problems put it, and without it those problems keep their English words.
     */
    static final String PLUGINS = "datenhafen.plugins";

    /** A problem the hub finds itself in German ({@link #german(ConfigProblem, PluginHost)}). */
    static String german(ConfigProblem p) {
        return german(p, null);
    }

    /**
     * A problem in German: for a connector's own coded problem the words of its plugin's texts, and only those; for
     * another the words of the config problems' catalogue, or of the errors' (a form's field refused with the others
     * of its form, {@code text.required}); with its values. Its own words when it has no code, or no words there.
     *
     * @param plugins the plugins whose texts say a connector's problems, or null for none
     */
    static String german(ConfigProblem p, PluginHost plugins) {
        if (p.code() == null) {
            return p.message();
        }
        try {
            // the values as written: a port is 65535, not the German 65.535; and only formatted, never a pattern
            Object[] values = p.args().stream().map(String::valueOf).toArray();
            if (PluginProblems.isPlugins(p.code())) {
                return plugins == null ? p.message() : PluginProblems.words(plugins, "de", p.code())
                    .map(words -> new java.text.MessageFormat(words, java.util.Locale.GERMAN).format(values))
                    .orElse(p.message());
            }
            String words = CONFIG_GERMAN.getProperty(p.code());
            if (words != null) {
                return new java.text.MessageFormat(words, java.util.Locale.GERMAN).format(values);
            }
            return catalogued(p.code(), p.args().toArray(), p.message());
        } catch (IllegalArgumentException unreadable) {
            return p.message(); // a plugin's words that are no pattern: its English
        }
    }

    /**
     * The words of a refused input: a coded error's (see {@link #text}); else, for a request that prefers German, its
     * problems' German words ({@code field: words}, each), as the problems list says them; else its own message.
     */
    private static String invalidText(RoutingContext ctx, InvalidInputException e) {
        if (e.code() != null || e.problems().isEmpty() || !asksGerman(ctx)) {
            return text(ctx, e);
        }
        PluginHost plugins = ctx.get(PLUGINS);
        if (!summed(e)) {
            return german(e.problems().get(0), plugins);
        }
        return joined(e.problems().stream().map(p -> p.field() + ": " + german(p, plugins)).toList());
    }

    /** Problems' words one after another: a sentence after its full stop, else after "; " (it read ".;"). */
    static String joined(java.util.List<String> words) {
        StringBuilder all = new StringBuilder();
        for (String w : words) {
            if (!all.isEmpty()) {
                char last = all.charAt(all.length() - 1);
                all.append(last == '.' || last == '!' || last == '?' ? " " : "; ");
            }
            all.append(w);
        }
        return all.toString();
    }

    /** The error catalogue's German words for {@code code} with its values, or {@code otherwise} when it has none. */
    private static String catalogued(String code, Object[] args, String otherwise) {
        String words = GERMAN.getProperty(code);
        return words == null ? otherwise : new java.text.MessageFormat(words, java.util.Locale.GERMAN).format(args);
    }

    /** Whether the request ranks German above English in its {@code Accept-Language}. */
    static boolean asksGerman(RoutingContext ctx) {
        return prefersGerman(ctx.request().getHeader("Accept-Language"));
    }

    /** Whether an {@code Accept-Language} header ranks German above English (no header: English, the API's own). */
    static boolean prefersGerman(String header) {
        if (header == null || header.isBlank() || header.length() > 1000) {
            return false;
        }
        boolean named = java.util.Arrays.stream(header.split(",")).map(r -> r.trim().split(";"))
            .filter(parts -> parts.length > 0).map(parts -> parts[0].trim().toLowerCase(java.util.Locale.ROOT))
            .anyMatch(t -> t.equals("de") || t.startsWith("de-"));
        return named && de.datenhafen.core.web.Language.fromAcceptLanguage(header) == de.datenhafen.core.web.Language.DE;
    }

    private static java.util.Properties catalogue(String name) {
        java.util.Properties p = new java.util.Properties();
        try (java.io.InputStream in = Errors.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the error catalogue " + name + " is missing from the class path");
            }
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    /** Answers the request with a status no exception stands for, as the hub's JSON error. */
    static void respond(RoutingContext ctx, int status, String message, String field) {
        send(ctx, status, message, field, null);
    }

    private static void send(RoutingContext ctx, int status, String message, String field, JsonArray problems) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        JsonObject body = new JsonObject().put("error", message == null ? message(status) : message);
        ctx.put(SENT, new String[] {field, body.getString("error")});
        if (field != null) {
            body.put("field", field);
        }
        if (problems != null) {
            body.put("problems", problems);
        }
        HubException coded = ctx.get(CODED);
        if (coded != null) {
            body.put("code", coded.code());
            ctx.response().putHeader("Vary", "Accept-Language");
        }
        if (status >= 500) {
            body.put("requestId", requestId(ctx));
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    /**
     * Why the request was refused, for its audit entry: each problem of a refused input, or the error's field and
     * words, in English with the catalogue's code and values (the console says them in its page's language); nothing
     * when it was not answered with an error.
     */
    static void refusal(RoutingContext ctx, AuditDetail detail) {
        Throwable failure = ctx.get(FAILURE);
        String[] sent = ctx.get(SENT);
        if (failure instanceof InvalidInputException e && e.problems().size() > 1) {
            e.problems().forEach(p -> detail.refused(p.field(), p.message(), p.code(), p.args()));
        } else if (failure instanceof InvalidInputException e && e.code() == null && e.problems().size() == 1) {
            ConfigProblem p = e.problems().get(0); // its own code, if any (a config check's)
            detail.refused(p.field(), p.message(), p.code(), p.args());
        } else if (failure instanceof HubException h) {
            detail.refused(h.field(), h.getMessage(), h.code(), java.util.Arrays.asList(h.args()));
        } else if (sent != null && (failure == null || ctx.response().getStatusCode() < 500)) {
            // the hub's own words (a body that is not JSON, a bare status); a failure it did not expect says
            // nothing more than its status and request id
            detail.refused(sent[0], sent[1], null, java.util.List.of());
        }
    }

    /** The part of the request a bare status is about, for the error's {@code field}; null when none is. */
    static String field(int status) {
        return switch (status) {
            case 404 -> "path";
            case 405 -> "method";
            case 413 -> "body";
            case 414 -> "path";
            case 415 -> "Content-Type";
            case 431 -> "headers";
            default -> null;
        };
    }

    private static final java.util.regex.Pattern JSON_WHERE = java.util.regex.Pattern.compile(
        "line: (\\d+), column: (\\d+)");

    /**
     * What a JSON parser's complaint says about a body, without the parser's own words for itself (its classes, its
     * settings, where it read from): the complaint's first line, and the line and column where it gave them.
     */
    public static String jsonProblem(Throwable e) {
        if (e instanceof ClassCastException) {
            return "it is JSON, but not an object (an array or a single value)";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher at = JSON_WHERE.matcher(m);
        String where = at.find() ? " (line " + at.group(1) + ", column " + at.group(2) + ")" : "";
        m = m.replaceFirst("^Failed to decode:\\s*", "").replaceAll(", from `[^`]*`\\)", ")");
        int cut = m.indexOf('\n');
        return (cut >= 0 ? m.substring(0, cut) : m).strip() + where;
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "authentication required";
            case 403 -> "not allowed";
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 413 -> "request body too large";
            case 414 -> "the request line is too long";
            case 431 -> "the request's headers are too large";
            case 415 -> "unsupported content type";
            case 429 -> "too many requests";
            default -> "request failed with status " + status;
        };
    }

    /** A wait as {@code Retry-After} gives it: whole seconds, rounded up, at least 1. */
    static String retryAfterSeconds(java.time.Duration wait) {
        return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
    }

}
