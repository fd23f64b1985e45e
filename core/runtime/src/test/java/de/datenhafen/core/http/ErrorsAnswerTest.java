package de.datenhafen.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import de.datenhafen.api.ConflictException;
import de.datenhafen.api.InvalidInputException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The hub's failure handler on a real server: every failure gets an answer, whatever the request's headers hold. */
class ErrorsAnswerTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        Router router = Router.router(VERTX);
        router.get("/exists").handler(ctx -> ctx.fail(new ConflictException("member x exists already", "id")
            .coded("member.exists", "x")));
        // an error whose answer cannot be made (a stand-in for a bug in the answering)
        router.get("/broken").handler(ctx -> ctx.fail(new InvalidInputException("bad", "body") {
            @Override
            public String field() {
                throw new IllegalStateException("no field today");
            }
        }));
        router.get("/busy").handler(ctx -> ctx.fail(new de.datenhafen.api.RetryableException("the bus is full",
            Duration.ofMillis(1500))));
        router.route().failureHandler(Errors::handle);
        server = VERTX.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        VERTX.close();
    }

    private static HttpResponse<String> get(String path, String acceptLanguage) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .timeout(Duration.ofSeconds(10));
        if (acceptLanguage != null) {
            r.header("Accept-Language", acceptLanguage);
        }
        return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An empty range in Accept-Language (";") held a coded refusal without an answer until the idle time-out. */
    @Test
    void aCodedRefusalIsAnsweredWhateverTheAcceptLanguageHolds() throws Exception {
        for (String header : new String[] {";", "de, ;", ",,", ";q=1", "de;q=", "x".repeat(5000)}) {
            HttpResponse<String> r = get("/exists", header);
            assertThat(r.statusCode()).as(header).isEqualTo(409);
            assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("member.exists");
        }
        assertThat(new JsonObject(get("/exists", "de, ;").body()).getString("error"))
            .isEqualTo("Das Mitglied x gibt es schon.");
        assertThat(new JsonObject(get("/exists", null).body()).getString("error")).isEqualTo("member x exists already");
    }

    /** A 503's wait is rounded up, as a 429's: 1.5 s was "1", and a client that waited that long came too early. */
    @Test
    void aServiceUnavailablesWaitIsRoundedUp() throws Exception {
        HttpResponse<String> r = get("/busy", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("2");
    }

    @Test
    void anAnswerThatFailsItselfIsStillA500() throws Exception {
        HttpResponse<String> r = get("/broken", null);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(new JsonObject(r.body()).getString("error")).startsWith("internal error")
            .doesNotContain("no field today");
    }
}
