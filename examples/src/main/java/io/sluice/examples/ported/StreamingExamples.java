/*
 * Ported from Apache Spark's examples/src/main/scala/org/apache/spark/examples/streaming/
 * StreamingExamples.scala (Apache License, Version 2.0,
 * http://www.apache.org/licenses/LICENSE-2.0), for the ported examples of this package; see
 * examples/PORTING.md.
 */

package io.sluice.examples.ported;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Utility functions for the ported streaming examples, as Spark's {@code StreamingExamples}.
 */
public final class StreamingExamples {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingExamples.class);

  private StreamingExamples() {
  }

  /**
   * Set reasonable logging levels for streaming if the user has not configured logging: the
   * root logger at WARN, unless a logback configuration was given with
   * {@code -Dlogback.configurationFile}.
   */
  public static void setStreamingLogLevels() {
    if (System.getProperty("logback.configurationFile") == null
        && LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      LOG.info("Setting log level to [WARN] for streaming example."
          + " To override, pass -Dlogback.configurationFile=<your logback.xml>.");
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }
}
