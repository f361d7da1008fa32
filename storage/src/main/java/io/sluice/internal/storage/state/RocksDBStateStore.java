package io.sluice.internal.storage.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} on one RocksDB instance: one column family per operator id, one LRU
 * block cache shared by all of them, RocksDB's WAL off.
 *
 * <p>Because the WAL is off, writes live in memtables until a flush: a crash loses them, and the
 * working directory is not to be trusted afterwards. Recovery reopens the last
 * {@link #snapshot} with {@link #restore} and replays the batches after it.
 *
 * <p>Thread-safe. {@link #table} creates column families on demand, once per id even under
 * concurrent calls. {@link #close} must not race with other calls: using RocksDB after it is
 * closed crashes the JVM, so every call checks a closed flag, but a call already in flight
 * when close starts is the caller's responsibility. Iterators still open at close are closed
 * with a warning.
 */
public final class RocksDBStateStore implements StateStore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDBStateStore.class);

    static {
        RocksDBNativeLibrary.load();
    }

    private final Path workingDir;
    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions columnFamilyOptions;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final ColumnFamilyHandle defaultColumnFamily;
    private final Map<String, RocksDBStateTable> tables = new ConcurrentHashMap<>();
    private final Set<RocksDBStateTable.Iterator> openIterators = ConcurrentHashMap.newKeySet();
    private final Object lifecycleLock = new Object();
    private volatile boolean closed;

    private RocksDBStateStore(Path workingDir, StateStoreOptions options) throws RocksDBException {
        this.workingDir = workingDir;
        this.blockCache = new LRUCache(options.blockCacheBytes());
        this.bloomFilter = new BloomFilter(10);
        this.dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // One flush of every column family at once, so a snapshot is consistent across them.
                .setAtomicFlush(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2);
        this.columnFamilyOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(options.writeBufferBytes())
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter));
        this.writeOptions = new WriteOptions().setDisableWAL(true);

        List<byte[]> names;
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB opened;
        try {
            names = existingColumnFamilies(workingDir);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, columnFamilyOptions));
            }
            opened = RocksDB.open(dbOptions, workingDir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            writeOptions.close();
            closeOptions();
            throw e;
        }
        this.db = opened;
        this.defaultColumnFamily = handles.get(0);
        for (int i = 1; i < handles.size(); i++) {
            String operatorId = new String(names.get(i), StandardCharsets.UTF_8);
            tables.put(operatorId, new RocksDBStateTable(this, operatorId, handles.get(i)));
        }
    }

    /**
     * Opens (creating if needed) the store in {@code workingDir}, with every table it already
     * holds.
     *
     * @throws StateStoreException if RocksDB cannot open the directory, for example because
     *     another store has it open (two contexts sharing one state directory)
     */
    public static RocksDBStateStore open(Path workingDir, StateStoreOptions options) {
        Objects.requireNonNull(workingDir, "workingDir");
        Objects.requireNonNull(options, "options");
        try {
            Files.createDirectories(workingDir);
            RocksDBStateStore store = new RocksDBStateStore(workingDir, options);
            LOG.info("Opened state store [{}] with tables {}", workingDir, store.tables.keySet());
            return store;
        } catch (IOException e) {
            throw new StateStoreException("Cannot create the state directory [" + workingDir + "]: " + e, e);
        } catch (RocksDBException e) {
            throw new StateStoreException("Cannot open the state store in [" + workingDir + "]: "
                    + describe(e) + ". If it says the LOCK is held, another state store (perhaps"
                    + " another streaming context) uses this directory: give each its own", e);
        }
    }

    /**
     * Replaces {@code workingDir} with a copy of {@code snapshotDir} (written by
     * {@link #snapshot}) and opens it. The snapshot stays valid and can be restored again:
     * table and blob files ({@code *.sst}, {@code *.blob}), which RocksDB never modifies once
     * written and only ever deletes, are hard-linked when both directories are on one
     * filesystem (so a restore costs no copy of the state), every other file is copied (RocksDB
     * appends to or rewrites those). Files whose name starts with {@code .} (indexes and
     * temporary files of whoever put the snapshot there) are not part of the snapshot.
     *
     * @throws StateStoreException if {@code snapshotDir} is not a snapshot, or a copy fails
     */
    public static RocksDBStateStore restore(Path snapshotDir, Path workingDir, StateStoreOptions options) {
        Objects.requireNonNull(snapshotDir, "snapshotDir");
        Objects.requireNonNull(workingDir, "workingDir");
        if (!Files.isRegularFile(snapshotDir.resolve("CURRENT"))) {
            throw new StateStoreException("Cannot restore state from [" + snapshotDir + "]: it is"
                    + " not a state snapshot (no CURRENT file)");
        }
        if (snapshotDir.toAbsolutePath().normalize().equals(workingDir.toAbsolutePath().normalize())) {
            throw new StateStoreException("Cannot restore state from [" + snapshotDir + "] onto"
                    + " itself: give the store a working directory of its own");
        }
        try {
            deleteRecursively(workingDir);
            copyRecursively(snapshotDir, workingDir);
        } catch (IOException | UncheckedIOException e) {
            throw new StateStoreException("Cannot copy the state snapshot [" + snapshotDir
                    + "] to [" + workingDir + "]: " + e, e);
        }
        RocksDBStateStore store = open(workingDir, options);
        LOG.info("Restored state store [{}] from snapshot [{}]", workingDir, snapshotDir);
        return store;
    }

    @Override
    public StateTable table(String operatorId) {
        Objects.requireNonNull(operatorId, "operatorId");
        ensureOpen();
        RocksDBStateTable table = tables.get(operatorId);
        if (table != null) {
            return table;
        }
        synchronized (lifecycleLock) {
            ensureOpen();
            return tables.computeIfAbsent(operatorId, this::createTable);
        }
    }

    private RocksDBStateTable createTable(String operatorId) {
        try {
            ColumnFamilyHandle handle = db.createColumnFamily(new ColumnFamilyDescriptor(
                    operatorId.getBytes(StandardCharsets.UTF_8), columnFamilyOptions));
            LOG.debug("State store [{}]: created table [{}]", workingDir, operatorId);
            return new RocksDBStateTable(this, operatorId, handle);
        } catch (RocksDBException e) {
            throw new StateStoreException("Cannot create the table of operator [" + operatorId
                    + "] in state store [" + workingDir + "]: " + describe(e), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes that happened before this call are in the snapshot; writes after it returns are
     * not; writes racing with it may or may not be. The memtables of every table are flushed
     * atomically first, so no write is left out because RocksDB's WAL is off.
     *
     * @throws StateStoreException if {@code targetDir} exists, or the flush or checkpoint fails
     */
    @Override
    public void snapshot(Path targetDir) {
        Objects.requireNonNull(targetDir, "targetDir");
        if (Files.exists(targetDir)) {
            throw new StateStoreException("Cannot snapshot state store [" + workingDir + "] into ["
                    + targetDir + "]: the directory exists; snapshots go to a new directory");
        }
        synchronized (lifecycleLock) {
            ensureOpen();
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            handles.add(defaultColumnFamily);
            tables.values().forEach(t -> handles.add(t.handle()));
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
                 Checkpoint checkpoint = Checkpoint.create(db)) {
                Path parent = targetDir.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                db.flush(flush, handles);
                checkpoint.createCheckpoint(targetDir.toString());
            } catch (RocksDBException | IOException e) {
                throw new StateStoreException("Cannot snapshot state store [" + workingDir
                        + "] into [" + targetDir + "]: " + (e instanceof RocksDBException r ? describe(r) : e), e);
            }
        }
        LOG.info("State store [{}]: snapshot written to [{}]", workingDir, targetDir);
    }

    /** The working directory of this store. */
    public Path workingDirectory() {
        return workingDir;
    }

    /**
     * Closes every table, the database and its native resources, in that order. Idempotent.
     * Iterators left open are closed first, with a warning (not closing them is a bug).
     */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (RocksDBStateTable.Iterator iterator : List.copyOf(openIterators)) {
                LOG.warn("State store [{}]: an iterator over table [{}] was not closed; closing it"
                        + " with the store", workingDir, iterator.operatorId());
                iterator.close();
            }
            for (RocksDBStateTable table : tables.values()) {
                table.handle().close();
            }
            defaultColumnFamily.close();
            db.close();
            writeOptions.close();
            closeOptions();
            LOG.info("Closed state store [{}]", workingDir);
        }
    }

    private void closeOptions() {
        columnFamilyOptions.close();
        dbOptions.close();
        bloomFilter.close();
        blockCache.close();
    }

    RocksDB db() {
        return db;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    Path directory() {
        return workingDir;
    }

    void register(RocksDBStateTable.Iterator iterator) {
        openIterators.add(iterator);
    }

    void unregister(RocksDBStateTable.Iterator iterator) {
        openIterators.remove(iterator);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("State store [" + workingDir + "] is closed");
        }
    }

    static String describe(RocksDBException e) {
        return e.getStatus() != null ? e.getStatus().getCodeString() + ": " + e.getMessage() : e.getMessage();
    }

    private static List<byte[]> existingColumnFamilies(Path dir) throws RocksDBException {
        List<byte[]> names = new ArrayList<>();
        names.add(RocksDB.DEFAULT_COLUMN_FAMILY);
        if (!Files.isRegularFile(dir.resolve("CURRENT"))) {
            return names;
        }
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, dir.toString())) {
                if (!Arrays.equals(name, RocksDB.DEFAULT_COLUMN_FAMILY)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void linkOrCopy(Path source, Path destination) throws IOException {
        try {
            Files.createLink(destination, source);
        } catch (IOException | UnsupportedOperationException e) {
            // Another filesystem, or one without hard links: a copy is as correct, only slower.
            Files.copy(source, destination);
        }
    }

    private static void copyRecursively(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            paths.forEach(path -> {
                Path destination = target.resolve(source.relativize(path).toString());
                try {
                    String name = path.getFileName().toString();
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(destination);
                    } else if (name.startsWith(".")) {
                        return; // not RocksDB's: an index or temporary file kept beside the snapshot
                    } else if (name.endsWith(".sst") || name.endsWith(".blob")) {
                        linkOrCopy(path, destination);
                    } else {
                        Files.copy(path, destination);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
