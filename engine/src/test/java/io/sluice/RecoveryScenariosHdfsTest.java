package io.sluice;

import io.sluice.ExactlyOnceHarness.Fs;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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
    private static MiniDFSCluster cluster;
    private static Configuration conf;

    @BeforeAll
    static void startCluster() throws IOException {
        Configuration c = new Configuration();
        c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, clusterDir.toString());
        c.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        c.set("dfs.namenode.http-address", "127.0.0.1:0");
        c.set("dfs.datanode.address", "127.0.0.1:0");
        c.set("dfs.datanode.http.address", "127.0.0.1:0");
        c.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(c, clusterDir.toFile()).numDataNodes(1).build();
        cluster.waitActive();
        conf = new Configuration(c);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.shutdown(true);
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
        return new Fs(cluster.getURI() + "/root-" + ROOTS.incrementAndGet(), conf);
    }
}
