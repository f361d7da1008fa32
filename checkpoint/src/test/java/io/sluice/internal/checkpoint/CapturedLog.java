package io.sluice.internal.checkpoint;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what one class logs while open, instead of printing it: tests that provoke warnings
 * assert on them rather than fill the build log.
 */
final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final boolean additive;

    CapturedLog(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
    }

    /** Forgets what was captured so far. */
    void clear() {
        appender.list.clear();
    }

    /** The formatted messages logged at WARN or above, in order. */
    List<String> warnings() {
        return appender.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Override
    public void close() {
        logger.setAdditive(additive);
        logger.detachAppender(appender);
        appender.stop();
    }
}
