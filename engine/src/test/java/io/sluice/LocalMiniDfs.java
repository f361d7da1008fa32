package io.sluice;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * An in-process MiniDFSCluster for tests that need {@code hdfs://}: one name node and one data
 * node, every address bound to 127.0.0.1 on a free port, storage under {@code baseDir}.
 */
final class LocalMiniDfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final Configuration conf;

    private LocalMiniDfs(MiniDFSCluster cluster, Configuration conf) {
        this.cluster = cluster;
        this.conf = conf;
    }

    /** Starts a cluster and waits until it is active. */
    static LocalMiniDfs start(Path baseDir) throws IOException {
        Configuration c = new Configuration();
        c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        c.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        c.set("dfs.namenode.http-address", "127.0.0.1:0");
        c.set("dfs.datanode.address", "127.0.0.1:0");
        c.set("dfs.datanode.http.address", "127.0.0.1:0");
        c.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(c, baseDir.toFile()).numDataNodes(1).build();
        cluster.waitActive();
        return new LocalMiniDfs(cluster, new Configuration(c));
    }

    /** The file system's URI, {@code hdfs://127.0.0.1:<port>}. */
    String uri() {
        return cluster.getURI().toString();
    }

    /** A Hadoop configuration that reaches the cluster. */
    Configuration conf() {
        return conf;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
