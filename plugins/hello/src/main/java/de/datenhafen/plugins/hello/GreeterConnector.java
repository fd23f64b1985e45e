package de.datenhafen.plugins.hello;

import de.datenhafen.api.BusHeaders;
import de.datenhafen.api.ConfigDef;
import de.datenhafen.api.ConfigType;
import de.datenhafen.api.Connector;
import de.datenhafen.api.IntegrationContext;
import de.datenhafen.api.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code hello-greeter}: {@code POST /api/v1/plugins/hello/<path>} with a name as plain text puts a
 * {@code hello.greeting} event on the bus ({@code {"name": ..., "greeting": "Hallo, <name>!"}}, subject the name) and
 * answers 202 with the greeting and the event's sequence once it is committed. The smallest useful plugin: a route
 * from an HTTP endpoint to the bus, a config with a default, and refusals through the hub's error shape.
 */
public final class GreeterConnector implements Connector {

    /** A name is a subject; long ones are refused rather than cut. */
    static final int MAX_NAME = 200;

    @Override
    public String name() {
        return "hello-greeter";
    }

    @Override
    public String description() {
        return "Greets a name POSTed as plain text to /api/v1/plugins/hello/<path> and puts the greeting on the bus "
            + "as a hello.greeting event.";
    }

    @Override
    public ConfigDef config() {
        return ConfigDef.builder()
            .define("path", ConfigType.STRING, "greet", false, "Path of the endpoint below /api/v1/plugins/hello/")
            .define("greeting", ConfigType.STRING, "Hallo", false, "The word the greeting starts with")
            .build();
    }

    @Override
    public RoutesBuilder routes(IntegrationContext ctx) {
        String path = ctx.config().getString("path");
        String greeting = ctx.config().getString("greeting");
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(ctx.httpEndpoint(path) + "?httpMethodRestrict=POST&maxBodySize=4096")
                    .routeId(ctx.routeId("greet"))
                    .process(e -> {
                        String name = name(e.getIn().getBody(byte[].class));
                        e.getIn().setHeader(BusHeaders.SUBJECT, name);
                        e.getIn().setHeader(BusHeaders.DATA_CONTENT_TYPE, "application/json");
                        e.getIn().setBody(json("name", name, "greeting", greeting + ", " + name + "!"));
                        e.setProperty("greeting", greeting + ", " + name + "!");
                    })
                    .to(ctx.bus("hello.greeting"))
                    .process(e -> {
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
                        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                        e.getMessage().setBody("{\"greeting\":" + quote(e.getProperty("greeting", String.class))
                            + ",\"sequence\":" + e.getMessage().getHeader(BusHeaders.SEQUENCE) + "}");
                    });
            }
        };
    }

    /** The posted name: UTF-8 text, trimmed, 1 to {@link #MAX_NAME} characters, no control characters. */
    static String name(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidInputException("the body is empty: send a name as plain text, e.g. -d 'Lübeck'", "body");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString().strip();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException("the name is not valid UTF-8", "body");
        }
        if (text.isEmpty()) {
            throw new InvalidInputException("the body is blank: send a name as plain text, e.g. -d 'Lübeck'", "body");
        }
        if (text.codePointCount(0, text.length()) > MAX_NAME) {
            throw new InvalidInputException("a name has at most " + MAX_NAME + " characters", "body");
        }
        if (text.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("a name cannot contain control characters (line breaks, tabs ...)",
                "body");
        }
        return text;
    }

    private static String json(String k1, String v1, String k2, String v2) {
        return "{" + quote(k1) + ":" + quote(v1) + "," + quote(k2) + ":" + quote(v2) + "}";
    }

    /** A JSON string; the name has no control characters, so only quote and backslash need escaping. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
