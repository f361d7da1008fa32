package io.sluice;

import io.sluice.ExactlyOnceHarness.Fs;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RecoveryScenarios} with checkpoints and outputs on {@code hdfs://}: one in-process
 * MiniDFSCluster (one name node, one data node, bound to 127.0.0.1, storage under a temporary
 * directory) for the whole class; the write-ahead logs and working state stay local.
 */
class RecoveryScenariosHdfsTest extends RecoveryScenarios {
    @TempDir
    static java.nio.file.Path clusterDir;

    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static LocalMiniDfs dfs;
    private static Configuration conf;

    @BeforeAll
    static void startCluster() throws IOException {
        dfs = LocalMiniDfs.start(clusterDir);
        conf = dfs.conf();
    }

    @AfterAll
    static void stopCluster() {
        if (dfs != null) {
            dfs.close();
        }
    }

    @TempDir
    java.nio.file.Path localDir;

    /** The reference run is local: only the crashed and recovered run pays for HDFS. */
    @Override
    Fs referenceFs() throws IOException {
        return new Fs(java.nio.file.Files.createTempDirectory(localDir, "reference").toString(), new Configuration());
    }

    @Override
    Fs fs() {
        return new Fs(dfs.uri() + "/root-" + ROOTS.incrementAndGet(), conf);
    }
}
