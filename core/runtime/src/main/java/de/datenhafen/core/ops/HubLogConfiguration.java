package de.datenhafen.core.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The hub's log, configured in code: one line per event on standard output, {@code %msg} with control characters
 * escaped ({@link EscapedMessageConverter}), the chatty libraries at WARN. Logback finds this class through its
 * {@code ServiceLoader} before its own XML configurator.
 *
 * <p>It steps aside, and logback reads an XML file as usual, when one is asked for: the system property
 * {@code logback.configurationFile} (the launcher sets it when {@code conf/logback.xml} exists, see
 * {@code conf/logback.xml.example}), or a {@code logback-test.xml} or {@code logback.xml} on the class path (a member's
 * own tests). Reading XML loads the JDK's XML parser and logback's Joran, about 460 classes that then stay loaded for
 * the life of the process (2 MiB of metaspace, issue 17); the default needs none of them.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class HubLogConfiguration extends ContextAwareBase implements Configurator {

    /** The line: time with offset, level, thread, logger (abbreviated), message (escaped), stack trace if any. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n";

    /** Loggers whose INFO is noise for an admin: library start-up chatter and configuration dumps. */
    static final List<String> AT_WARN = List.of("org.apache.camel", "org.pf4j", "com.zaxxer.hikari", "org.flywaydb",
        "io.netty", "org.apache.kafka", "kafka");

    /** Vert.x registers some pool gauges twice; Micrometer warns about it, harmlessly. */
    static final String AT_ERROR = "io.micrometer.core.instrument.MeterRegistry";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (xmlAskedFor(System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY), getClass().getClassLoader())) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether an XML configuration was asked for: the property set, or one of logback's files on the class path. */
    static boolean xmlAskedFor(String configFileProperty, ClassLoader loader) {
        return (configFileProperty != null && !configFileProperty.isBlank())
            || loader.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
            || loader.getResource(ContextInitializer.AUTOCONFIG_FILE) != null;
    }

    /** Configures {@code context} as the hub's default: a console appender named STDOUT on the root logger at INFO. */
    static void apply(LoggerContext context) {
        @SuppressWarnings("unchecked")
        Map<String, Supplier<DynamicConverter<?>>> rules = (Map<String, Supplier<DynamicConverter<?>>>)
            context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put("msg", EscapedMessageConverter::new);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();

        for (String name : AT_WARN) {
            context.getLogger(name).setLevel(Level.WARN);
        }
        context.getLogger(AT_ERROR).setLevel(Level.ERROR);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
    }
}
