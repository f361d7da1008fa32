package io.sluice.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The benchmarks' logging, set up in code: warnings and errors to standard error, as
 * {@code %d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n}. Benchmarks open and close logs and
 * stores every iteration: INFO would drown JMH's output.
 *
 * <p>Why code rather than a {@code logback.xml}: Logback finds this class through
 * {@link java.util.ServiceLoader} before it looks for XML, and configuring in code spares every
 * JVM the XML parser and Logback's configuration interpreter (Joran): about 550 classes and
 * 0.3-0.4 s of CPU in each child JVM the recovery benchmarks start, a share of the recovery
 * time they measure. A file named by {@code -Dlogback.configurationFile} still wins: this
 * configurator then steps aside and lets Logback read it.
 */
public final class BenchmarkLogging extends ContextAwareBase implements Configurator {

    /** The layout of every line, as the XML configuration it replaces had it. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n";

    /** Called by Logback's {@link java.util.ServiceLoader} lookup. */
    public BenchmarkLogging() {
    }

    /**
     * Configures {@code context} unless the user named a configuration file.
     *
     * @return {@code DO_NOT_INVOKE_NEXT_IF_ANY} once configured, so that Logback reads no XML;
     *     {@code INVOKE_NEXT_IF_ANY} when {@code logback.configurationFile} is set
     */
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
