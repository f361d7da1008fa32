package io.sluice;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
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

    @Override
    String newRoot() {
        return cluster.getURI() + "/files-" + ROOTS.incrementAndGet();
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
