package io.sluice.internal.storage.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library once per JVM from a stable, verified copy instead of a new
 * temporary file per start.
 *
 * <p>How is it loaded, and why? {@link RocksDB#loadLibrary()} inflates the library (about 15 MB
 * for Linux x86-64) from the rocksdbjni jar into a new temporary file at every start and asks
 * the JVM to delete it at exit. That costs 0.1-0.3 s of CPU on every recovery, and a process
 * killed with {@code kill -9} never runs its exit hooks, so each kill leaves its 15 MB copy
 * behind in the temporary directory. Here the library is extracted once into a directory keyed
 * by the jar entry's CRC-32 and size ({@code <dir>/<crc>-<size>/}), so another RocksDB version
 * gets a directory of its own, and later JVMs load that copy after checking it: the file's size
 * and CRC-32 must equal the jar entry's (a truncated or damaged copy is replaced, never
 * loaded). Extraction writes a temporary file in the same directory and renames it into place
 * atomically, so concurrent JVMs never see a partial file. The base directory is
 * {@code <java.io.tmpdir>/sluice-rocksdbjni-<user.name>}, created readable by its owner only,
 * or the system property {@value #DIR_PROPERTY}.
 *
 * <p>Whenever this path cannot be used (the library is not in a jar, as in an IDE's exploded
 * class path; the platform has no such entry; the directory is not writable or belongs to
 * another user), it falls back to {@link RocksDB#loadLibrary()}, RocksDB's own behaviour.
 *
 * <p>Thread-safe: {@link #load} may be called from any thread, any number of times.
 */
public final class RocksDBNativeLibrary {

    /** System property naming the directory the library is kept in. */
    public static final String DIR_PROPERTY = "sluice.rocksdb.libraryDir";

    private static final Logger LOG = LoggerFactory.getLogger(RocksDBNativeLibrary.class);

    private static volatile Path loadedFrom;
    private static volatile boolean loaded;

    private RocksDBNativeLibrary() {
    }

    /**
     * Loads the library if this JVM has not yet: from the verified copy when possible, else
     * through {@link RocksDB#loadLibrary()}.
     *
     * @throws RuntimeException (from RocksDB) if the library cannot be loaded at all
     */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (RocksDBNativeLibrary.class) {
            if (loaded) {
                return;
            }
            Path copy = null;
            try {
                copy = verifiedCopy(baseDirectory());
            } catch (IOException | RuntimeException e) {
                LOG.debug("Loading RocksDB's native library the default way: no reusable copy ({})", e.toString());
            }
            if (copy != null) {
                try {
                    RocksDB.loadLibrary(List.of(copy.getParent().toString()));
                    loadedFrom = copy;
                } catch (UnsatisfiedLinkError e) {
                    LOG.warn("Cannot load RocksDB's native library from [{}] ({}); extracting it the default way",
                            copy, e.toString());
                }
            }
            if (loadedFrom == null) {
                RocksDB.loadLibrary();
            }
            loaded = true;
        }
    }

    /**
     * The file the library was loaded from by this class, or null if it was loaded the default
     * way (or not yet).
     */
    static Path loadedFrom() {
        return loadedFrom;
    }

    /** The base directory: the system property, else a per-user directory under the temporary directory. */
    static Path baseDirectory() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Paths.get(System.getProperty("java.io.tmpdir"), "sluice-rocksdbjni-" + user);
    }

    /**
     * The verified copy of the library for this platform under {@code base}, extracted first if
     * missing or damaged; null if the library is not a jar entry with a known CRC and size.
     */
    static Path verifiedCopy(Path base) throws IOException {
        String resource = Environment.getJniLibraryFileName("rocksdb");
        URL url = RocksDB.class.getClassLoader() == null ? null : RocksDB.class.getClassLoader().getResource(resource);
        if (url == null) {
            return null;
        }
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return null;
        }
        JarEntry entry = jar.getJarEntry();
        long crc = entry.getCrc();
        long size = entry.getSize();
        if (crc < 0 || size < 0) {
            return null;
        }
        ensureOwnDirectory(base);
        Path dir = base.resolve(String.format(Locale.ROOT, "%08x-%d", crc, size));
        Files.createDirectories(dir);
        // The name RocksDB.loadLibrary(paths) looks for in each directory it is given.
        Path target = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
        if (Files.isRegularFile(target) && Files.size(target) == size && crcOf(target) == crc) {
            return target;
        }
        Path temporary = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            CRC32 written = new CRC32();
            long bytes = 0;
            try (InputStream in = url.openStream();
                 OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    written.update(buffer, 0, n);
                    bytes += n;
                }
            }
            if (bytes != size || written.getValue() != crc) {
                throw new IOException("The extracted copy of [" + resource + "] does not match its jar entry: "
                        + bytes + " bytes with CRC " + Long.toHexString(written.getValue()) + " against " + size
                        + " bytes with CRC " + Long.toHexString(crc));
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.debug("Extracted RocksDB's native library to [{}]", target);
            return target;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Creates {@code base} readable and writable by its owner only (on POSIX filesystems), and
     * refuses a directory that belongs to another user: a library loaded from there could be
     * replaced by them.
     */
    private static void ensureOwnDirectory(Path base) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(base)) {
            try {
                if (posix) {
                    Files.createDirectories(base, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(base);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another JVM created it first: checked below like any existing directory.
            }
        }
        if (posix) {
            String owner = Files.getOwner(base).getName();
            String me = System.getProperty("user.name");
            if (me != null && !me.equals(owner)) {
                throw new IOException("[" + base + "] belongs to [" + owner + "], not to [" + me + "]");
            }
        }
    }

    /** CRC-32 of a file's content. */
    static long crcOf(Path file) throws IOException {
        CRC32 crc = new CRC32();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (channel.read(buffer) > 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return crc.getValue();
    }
}
