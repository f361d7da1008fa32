package io.sluice;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local filesystem under the scheme {@code closing://} that, like an HDFS client, fails
 * every call with {@code Filesystem closed} once {@link #close()} ran. Hadoop's own shutdown
 * hook closes every cached FileSystem when the JVM exits: a graceful stop that still writes
 * checkpoints after that point fails on HDFS, and on this filesystem too. Register it with
 * {@code fs.closing.impl}.
 */
public final class ClosingFileSystem extends RawLocalFileSystem {
    /** The scheme. */
    public static final String SCHEME = "closing";

    private volatile boolean closed;

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        super.close();
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("Filesystem closed");
        }
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        checkOpen();
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        checkOpen();
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        checkOpen();
        return super.open(f, bufferSize);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        checkOpen();
        return super.rename(src, dst);
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        checkOpen();
        return super.delete(p, recursive);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        checkOpen();
        return super.mkdirs(f, permission);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws FileNotFoundException, IOException {
        checkOpen();
        return super.listStatus(f);
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        checkOpen();
        return super.getFileStatus(f);
    }
}
