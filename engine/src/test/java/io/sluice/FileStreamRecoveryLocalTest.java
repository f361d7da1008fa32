package io.sluice;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;

/** The file stream's recovery contract on the local filesystem ({@code file://}). */
final class FileStreamRecoveryLocalTest extends FileStreamRecoveryContract {
    private static final AtomicInteger ROOTS = new AtomicInteger();

    @TempDir
    static java.nio.file.Path dir;

    @Override
    String newRoot() {
        return dir.resolve("root-" + ROOTS.incrementAndGet()).toUri().toString();
    }

    @Override
    Configuration hadoopConf() {
        return new Configuration();
    }
}
