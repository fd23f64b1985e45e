package de.datenhafen.core.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook target's client against a receiver on 127.0.0.1: where it connects (the address the policy checked right
 * before, with the URL's host name kept for {@code Host}), and what its failures tell (status and host, never the
 * answer's body).
 */
class WebhookClientTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String INTERNAL = "root:x:0:0 internal-admin-page <secret-token-4711>";
    private static Vertx vertx;

    private HttpServer receiver;
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 500;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", x -> {
            bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            hosts.add(x.getRequestHeaders().getFirst("Host"));
            if (status < 300) {
                x.sendResponseHeaders(status, -1); // no body: the answer ends with its head
            } else {
                byte[] body = INTERNAL.getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(status, body.length);
                x.getResponseBody().write(body);
            }
            x.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private WebhookClient client(String host, SinkAddressPolicy policy) {
        WebhookTarget target = WebhookTarget.parse("probe", "http://" + host + ":" + receiver.getAddress().getPort()
            + "/x?token=abc", SECRET, null, null, 5, 1, 0, false, null, policy);
        return new WebhookClient(target, vertx, policy);
    }

    private static SinkEvent event() {
        return event(0);
    }

    private static SinkEvent event(int hops) {
        return new SinkEvent(7, "e-1", "/tests", "city.probe", "s-1", null, "application/json",
            "{}".getBytes(StandardCharsets.UTF_8), hops);
    }

    /** The loop count (Hops): a delivery carries the event's plus one; one that came through four is not sent. */
    @Test
    void aDeliveryCarriesTheEventsCountPlusOneAndAnEventCountedFourTimesIsNotSent() throws Exception {
        status = 200;
        try (WebhookClient c = client("127.0.0.1", SinkAddressPolicy.of(List.of("127.0.0.1")))) {
            c.post(event(0));
            c.post(event(3));
            assertThatThrownBy(() -> c.post(event(4))).isInstanceOf(SinkException.Loop.class)
                .isInstanceOf(de.datenhafen.core.bus.PermanentFailure.class)
                .hasMessageContaining("came into a hub through webhooks 4 times already");
        }
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(0)).contains("\"datenhafenhops\":1");
        assertThat(bodies.get(1)).contains("\"datenhafenhops\":4");
    }

    @Test
    void aNonSuccessAnswerTellsItsStatusAndHostButNotItsBody() throws Exception {
        try (WebhookClient c = client("127.0.0.1", SinkAddressPolicy.of(List.of("127.0.0.1")))) {
            assertThatThrownBy(() -> c.post(event())).isInstanceOf(SinkException.class)
                .hasMessage("webhook target probe answered 500 (127.0.0.1)");
            status = 410;
            assertThatThrownBy(() -> c.post(event())).isInstanceOf(SinkException.Gone.class)
                .hasMessageNotContaining("internal-admin-page").hasMessageContaining("410");
            status = 403;
            assertThatThrownBy(() -> c.handshake("hub.example.org", 0)).isInstanceOf(SinkException.class)
                .hasMessage("webhook target probe refused the validation handshake with 403 (127.0.0.1)");
            status = 204;
            c.post(event()); // delivered
        }
        assertThat(hosts).hasSize(4);
    }

    @Test
    void answersThatEndWithTheirHeadAreTakenEveryTimeOnAPooledConnection() throws Exception {
        status = 200;
        try (WebhookClient c = client("127.0.0.1", SinkAddressPolicy.of(List.of("127.0.0.1")))) {
            for (int i = 0; i < 300; i++) {
                c.post(event());
            }
        }
        assertThat(hosts).hasSize(300);
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedAtConnectionAndNothingIsSent() {
        try (WebhookClient c = client("localhost", SinkAddressPolicy.publicOnly())) {
            assertThatThrownBy(() -> c.post(event())).isInstanceOf(SinkException.class)
                .hasMessageStartingWith("webhook target probe was not contacted (http://localhost:")
                .hasMessageContaining("localhost is not a public address")
                .hasMessageContaining(SinkAddressPolicy.SETTING);
            assertThatThrownBy(() -> c.handshake("hub.example.org", 0)).isInstanceOf(SinkException.class)
                .hasMessageContaining("was not contacted");
        }
        assertThat(hosts).as("requests at the receiver").isEmpty();
    }

    @Test
    void itConnectsToTheCheckedAddressAndKeepsTheHostNameInTheHostHeader() throws Exception {
        status = 200;
        try (WebhookClient c = client("localhost", SinkAddressPolicy.of(List.of("localhost")))) {
            c.post(event());
        }
        assertThat(hosts).containsExactly("localhost:" + receiver.getAddress().getPort());
    }
}
