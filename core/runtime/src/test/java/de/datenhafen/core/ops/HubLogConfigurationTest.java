package de.datenhafen.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubLogConfigurationTest {

    /** The shipped example: what an admin copies to conf/logback.xml to take the log over. */
    private static final Path EXAMPLE = Path.of("../../distribution/src/main/dist/conf/logback.xml.example");

    private static final long AT = 1_764_000_000_123L;

    @Test
    void logbackFindsTheHubsConfigurationWithoutReadingXml() throws Exception {
        LoggerContext context = new LoggerContext();
        new ContextInitializer(context).autoConfig();

        assertThat(line(context, "de.datenhafen.core.Hub", Level.INFO, "Datenhafen ready"))
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[main\\] "
                + "d\\.d\\.core\\.Hub - Datenhafen ready\\n");
        assertThat(context.getStatusManager().getCopyOfStatusList()).noneMatch(s -> s.getMessage().contains("xml"));
    }

    @Test
    void aMessageFromOutsideCannotStartALineOfItsOwn() {
        LoggerContext context = new LoggerContext();
        HubLogConfiguration.apply(context);

        String line = line(context, "de.datenhafen.core.http.X", Level.WARN,
            "Refused /x\n2026-12-05T02:00:00.000Z INFO  [main] d.d.core.Hub - forged\r\t\u001b[31m\u0000");

        assertThat(line).endsWith(" WARN  [main] d.d.core.http.X - Refused /x\\n2026-12-05T02:00:00.000Z INFO  [main] "
            + "d.d.core.Hub - forged\\r\\t\\u001b[31m\\u0000\n");
        assertThat(line.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    }

    @Test
    void librariesSpeakFromWarnTheHubFromInfo() {
        LoggerContext context = new LoggerContext();
        HubLogConfiguration.apply(context);

        assertThat(context.getLogger("org.apache.camel.impl.engine.AbstractCamelContext").getEffectiveLevel())
            .isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.kafka.clients.producer.ProducerConfig").getEffectiveLevel())
            .isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.micrometer.core.instrument.MeterRegistry").getEffectiveLevel())
            .isEqualTo(Level.ERROR);
        assertThat(context.getLogger("de.datenhafen.core.bus.GroupCommitLog").getEffectiveLevel())
            .isEqualTo(Level.INFO);
        assertThat(context.getLogger("de.datenhafen.core.bus.GroupCommitLog").isDebugEnabled()).isFalse();
    }

    @Test
    void theShippedExampleFileWritesTheSameLinesAtTheSameLevels() throws Exception {
        LoggerContext builtIn = new LoggerContext();
        HubLogConfiguration.apply(builtIn);
        LoggerContext fromXml = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(fromXml);
        joran.doConfigure(EXAMPLE.toFile());

        List<String> names = new ArrayList<>(HubLogConfiguration.AT_WARN);
        names.addAll(List.of(HubLogConfiguration.AT_ERROR, Logger.ROOT_LOGGER_NAME, "de.datenhafen.core.Hub",
            "org.apache.camel.Route", "kafka.server.KafkaServer"));
        for (String name : names) {
            assertThat(fromXml.getLogger(name).getEffectiveLevel()).as(name)
                .isEqualTo(builtIn.getLogger(name).getEffectiveLevel());
        }
        String message = "line one\nline two \u001b[2J";
        assertThat(line(fromXml, "de.datenhafen.core.ops.HeapTrim", Level.INFO, message))
            .isEqualTo(line(builtIn, "de.datenhafen.core.ops.HeapTrim", Level.INFO, message));
    }

    @Test
    void stepsAsideWhenAnXmlFileIsAskedFor(@TempDir Path dir) throws Exception {
        ClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
        assertThat(HubLogConfiguration.xmlAskedFor(null, none)).isFalse();
        assertThat(HubLogConfiguration.xmlAskedFor(" ", none)).isFalse();
        assertThat(HubLogConfiguration.xmlAskedFor("/etc/datenhafen/logback.xml", none)).isTrue();

        for (String file : List.of("logback-test.xml", "logback.xml")) {
            Path own = Files.createDirectories(dir.resolve(file.replace('.', '-')));
            Files.writeString(own.resolve(file), "<configuration/>");
            ClassLoader withFile = new URLClassLoader(new URL[] {own.toUri().toURL()}, null);
            assertThat(HubLogConfiguration.xmlAskedFor(null, withFile)).as(file).isTrue();
        }
    }

    /** The bytes the context's STDOUT appender writes for one event, at a fixed time, from thread main. */
    private static String line(LoggerContext context, String logger, Level level, String message) {
        Logger l = context.getLogger(logger);
        assertThat(l.isEnabledFor(level)).as(logger + " at " + level).isTrue();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), l, level, message, null, null);
        event.setTimeStamp(AT);
        event.setThreadName("main");
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
        assertThat(appender).isInstanceOf(OutputStreamAppender.class);
        byte[] bytes = ((OutputStreamAppender<ILoggingEvent>) appender).getEncoder().encode(event);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
