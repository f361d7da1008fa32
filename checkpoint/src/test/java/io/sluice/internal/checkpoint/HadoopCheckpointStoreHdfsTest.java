package io.sluice.internal.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract on {@code hdfs://}, against an in-process MiniDFSCluster (one name node, one data
 * node, on 127.0.0.1, storage under a temporary directory) started once for the class, about
 * 8-10 s. Each test gets its own directory.
 */
final class HadoopCheckpointStoreHdfsTest extends CheckpointStoreContract {

    @TempDir
    static java.nio.file.Path clusterDir;

    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static MiniDFSCluster cluster;
    private static Configuration conf;

    @BeforeAll
    static void startCluster() throws IOException {
        Configuration clusterConf = new Configuration();
        clusterConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, clusterDir.toString());
        clusterConf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        clusterConf.set("dfs.namenode.http-address", "127.0.0.1:0");
        clusterConf.set("dfs.datanode.address", "127.0.0.1:0");
        clusterConf.set("dfs.datanode.http.address", "127.0.0.1:0");
        clusterConf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(clusterConf, clusterDir.toFile()).numDataNodes(1).build();
        cluster.waitActive();
        conf = new Configuration(clusterConf);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    @Override
    String newRoot() {
        return cluster.getURI() + "/checkpoints-" + ROOTS.incrementAndGet();
    }

    @Override
    Configuration conf() {
        return conf;
    }

    @Test
    void theRootIsOnHdfsAndTheFilesAreThere() throws IOException {
        assertTrue(root.startsWith("hdfs://"), root);
        java.nio.file.Path snapshot = Files.createDirectories(local.resolve("snapshot"));
        Files.write(snapshot.resolve("000001.sst"), payload("sst"));
        try (HadoopCheckpointStore store = open(1)) {
            store.uploadState(1000, snapshot);
            store.write(1000, payload("meta"));
        }
        DistributedFileSystem dfs = cluster.getFileSystem();
        assertArrayEquals(CheckpointFile.encode(1000, payload("meta")), readRaw("checkpoint-1000"));
        String shared = StateManifest.sharedName("000001.sst", 3, LocalChecksums.compute(snapshot.resolve("000001.sst")));
        assertEquals(3, dfs.getFileStatus(new Path(root + "/state/shared/" + shared)).getLen());
        assertTrue(dfs.getFileStatus(new Path(root + "/state/1000/manifest")).isFile());
        assertEquals(List.of("checkpoint-1000", "state"), List.copyOf(names("")));
    }
}
