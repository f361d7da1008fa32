package io.sluice.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local filesystem under the scheme {@code faultfs://}, failing or delaying the operations
 * a test chooses: {@code faultfs:///var/x} is the local directory {@code /var/x}, reached
 * through Hadoop's generic path (create, {@code hsync}, rename) rather than the local shortcut
 * Sluice takes for {@code file:}. Registered through {@code META-INF/services}, so any
 * {@code Configuration} on this class path resolves the scheme; {@code fs.faultfs.impl} set
 * to this class works too.
 *
 * <p>Configured by system properties (read at every operation, so a test may change them in
 * its own JVM) or by the same keys in the Hadoop configuration:
 * <ul>
 *   <li>{@code faultfs.fault}: {@code none} (default), {@code write} (creating a file and every
 *       write to it), {@code rename}, {@code sync} ({@code hflush}, {@code hsync}) or
 *       {@code diskfull} (creates and writes fail with "No space left on device");</li>
 *   <li>{@code faultfs.from}: the operation of that kind, counted from 1 over the JVM, from
 *       which the fault applies (default 1);</li>
 *   <li>{@code faultfs.count}: how many operations from there on it applies to (default: all);
 *       afterwards the fault has cleared;</li>
 *   <li>{@code faultfs.action}: {@code fail} (default: an {@link IOException}) or
 *       {@code delay:<ms>}.</li>
 * </ul>
 * Every injected failure's message starts with {@code faultfs:}.
 */
public final class FaultFileSystem extends RawLocalFileSystem {
    /** The scheme. */
    public static final String SCHEME = "faultfs";
    private static final URI NAME = URI.create(SCHEME + ":///");
    private static final AtomicLong OPERATIONS = new AtomicLong();
    private static final AtomicLong INJECTED = new AtomicLong();

    /** The kinds of operations a fault applies to. */
    enum Kind { WRITE, RENAME, SYNC }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }

    /** How many faults were injected in this JVM so far. */
    public static long injected() {
        return INJECTED.get();
    }

    /** Forgets the operations counted so far ({@code faultfs.from} counts from the next one). */
    public static void resetCounts() {
        OPERATIONS.set(0);
        INJECTED.set(0);
    }

    private String setting(String key, String dflt) {
        String v = System.getProperty(key);
        if (v == null && getConf() != null) {
            v = getConf().get(key);
        }
        return v == null ? dflt : v.trim().toLowerCase(Locale.ROOT);
    }

    /** Counts one operation of {@code kind} and fails or delays it if the configured fault applies. */
    void maybeFault(Kind kind, String what) throws IOException {
        String fault = setting("faultfs.fault", "none");
        boolean diskFull = fault.equals("diskfull");
        boolean applies = switch (fault) {
            case "none" -> false;
            case "write" -> kind == Kind.WRITE;
            case "diskfull" -> kind == Kind.WRITE || kind == Kind.SYNC;
            case "rename" -> kind == Kind.RENAME;
            case "sync" -> kind == Kind.SYNC;
            default -> throw new IOException("faultfs: unknown faultfs.fault [" + fault
                    + "]; use none, write, rename, sync or diskfull");
        };
        if (!applies) {
            return;
        }
        long n = OPERATIONS.incrementAndGet();
        long from = Long.parseLong(setting("faultfs.from", "1"));
        long count = Long.parseLong(setting("faultfs.count", Long.toString(Long.MAX_VALUE)));
        if (n < from || n - from >= count) {
            return;
        }
        INJECTED.incrementAndGet();
        String action = setting("faultfs.action", "fail");
        if (action.startsWith("delay:")) {
            try {
                Thread.sleep(Long.parseLong(action.substring("delay:".length())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("faultfs: interrupted while delaying " + what);
            }
            return;
        }
        if (diskFull) {
            throw new IOException("faultfs: No space left on device (injected, " + what + ")");
        }
        throw new IOException("faultfs: injected " + fault + " failure (operation " + n + ", " + what + ")");
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        maybeFault(Kind.WRITE, "create " + f);
        return wrap(super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress), f);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        maybeFault(Kind.WRITE, "create " + f);
        return wrap(super.create(f, overwrite, bufferSize, replication, blockSize, progress), f);
    }

    @Override
    public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                                 short replication, long blockSize, Progressable progress)
            throws IOException {
        maybeFault(Kind.WRITE, "create " + f);
        return wrap(super.createNonRecursive(f, permission, overwrite, bufferSize, replication, blockSize, progress), f);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        maybeFault(Kind.RENAME, "rename " + src + " to " + dst);
        return super.rename(src, dst);
    }

    private FSDataOutputStream wrap(FSDataOutputStream out, Path f) throws IOException {
        return new FSDataOutputStream(new FaultStream(out, f), null);
    }

    /** Counts writes and syncs of one file. */
    private final class FaultStream extends OutputStream implements Syncable, StreamCapabilities {
        private final FSDataOutputStream out;
        private final Path file;

        FaultStream(FSDataOutputStream out, Path file) {
            this.out = out;
            this.file = file;
        }

        @Override
        public void write(int b) throws IOException {
            maybeFault(Kind.WRITE, "write to " + file);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            maybeFault(Kind.WRITE, "write to " + file);
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void hflush() throws IOException {
            maybeFault(Kind.SYNC, "hflush of " + file);
            out.hflush();
        }

        @Override
        public void hsync() throws IOException {
            maybeFault(Kind.SYNC, "hsync of " + file);
            out.hsync();
        }

        @Override
        public boolean hasCapability(String capability) {
            return capability.equalsIgnoreCase(StreamCapabilities.HSYNC)
                    || capability.equalsIgnoreCase(StreamCapabilities.HFLUSH);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
