package io.sluice;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file stream's recovery contract on {@code hdfs://}: input directory and checkpoints on an
 * in-process MiniDFSCluster (one name node, one data node, 127.0.0.1, storage under a temporary
 * directory), started once for the class.
 */
final class FileStreamRecoveryHdfsTest extends FileStreamRecoveryContract {
    private static final AtomicInteger ROOTS = new AtomicInteger();

    @TempDir
    static java.nio.file.Path clusterDir;

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

    @Override
    String newRoot() {
        return dfs.uri() + "/files-" + ROOTS.incrementAndGet();
    }

    @Override
    Configuration hadoopConf() {
        return conf;
    }

    @Test
    void theInputIsOnHdfs() {
        assertTrue(newRoot().startsWith("hdfs://"), newRoot());
    }
}
