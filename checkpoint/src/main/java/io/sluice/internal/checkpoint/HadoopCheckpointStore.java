package io.sluice.internal.checkpoint;

import io.sluice.SluiceException;
import io.sluice.internal.storage.fault.FaultPoints;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.hdfs.BlockMissingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStore} on any Hadoop {@link FileSystem}: {@code file://} (or a plain local
 * path), {@code hdfs://}, and object stores such as {@code s3a://}.
 *
 * <p>Example:
 * <pre>{@code
 * try (CheckpointStore store = HadoopCheckpointStore.open("hdfs://nn:8020/apps/wc", new Configuration(), 3)) {
 *     store.uploadState(t, snapshotDir);   // state first,
 *     store.write(t, metadata);            // then the metadata that refers to it
 *     Optional<Checkpoint> latest = store.readLatestValid();
 * }
 * }</pre>
 *
 * <h2>Layout and format</h2>
 * <pre>
 *   checkpoint-&lt;timeMs&gt;                     metadata, in the format of {@link CheckpointFile}
 *   .checkpoint-&lt;timeMs&gt;.tmp-&lt;uuid&gt;         a metadata file being written (ignored by readers)
 *   state/shared/&lt;stem&gt;-&lt;size&gt;-&lt;crc32c&gt;&lt;ext&gt;  immutable state files, one copy each
 *   state/&lt;timeMs&gt;/files/&lt;relative path&gt;   the checkpoint's mutable state files
 *   state/&lt;timeMs&gt;/manifest                the checkpoint's {@link StateManifest}, written last
 *   .../.&lt;name&gt;.tmp-&lt;uuid&gt;                 a file being written (ignored by readers)
 * </pre>
 * State uploads are incremental; see the comment above {@link #uploadState}.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every file, metadata or state, is written under a temporary name in its final directory,
 *       synced with {@code hsync} (on streams that support it; on object stores, whose streams do
 *       not, the data is durable when {@code close} returns), closed, then renamed. On the local
 *       filesystem the raw (non-checksummed) filesystem is used, so {@code hsync} reaches the
 *       disk and no {@code .crc} side files appear, and the directory is synced after the rename
 *       so that the rename itself survives a power loss.</li>
 *   <li>Rewriting an existing time (a batch re-run after recovery) deletes the old file, then
 *       renames the new one in place. Between the two steps no file of that time exists; that is
 *       safe because the older checkpoints are still there, and the new content is complete in
 *       its temporary file.</li>
 *   <li>Retention, after each successful {@link #write}: the newest {@code retained} checkpoints
 *       are kept, and always the one just written (see {@link #write}); every other checkpoint
 *       loses its metadata file first, then its {@code state/<time>} directory, so no surviving
 *       metadata ever refers to missing state. State directories newer than every checkpoint are
 *       kept (an upload for the coming checkpoint); older ones that no kept checkpoint owns are
 *       deleted, and so are leftover temporary metadata files. Last, shared state files that no
 *       remaining manifest names are deleted (none if a kept checkpoint's manifest cannot be
 *       read).</li>
 *   <li>{@link #readLatestValid} skips, with a WARN naming the file and the reason, every newest
 *       file that is truncated, has a bad magic number or checksum, holds another time than its
 *       name, or was written in a format version this reader does not know (a newer Sluice): an
 *       older valid checkpoint may exist, and recovering from it is correct, only slower.</li>
 * </ul>
 *
 * <p>Thread-safe: operations are serialized on one lock, so retention never races an upload or a
 * read of the same store. Two stores (or two applications) must not share a root.
 */
public final class HadoopCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(HadoopCheckpointStore.class);

    static final String CHECKPOINT_PREFIX = "checkpoint-";
    static final String STATE_DIR = "state";
    /** Under {@code state/}: immutable snapshot files, one copy each, shared by checkpoints. */
    static final String SHARED_DIR = "shared";
    /** Under {@code state/<time>/}: the checkpoint's mutable snapshot files. */
    static final String OWN_FILES_DIR = "files";
    /** Under {@code state/<time>/}: the checkpoint's {@link StateManifest}. */
    static final String MANIFEST_NAME = "manifest";
    private static final Pattern CHECKPOINT_NAME = Pattern.compile("checkpoint-(\\d{1,19})");
    private static final Pattern TEMP_CHECKPOINT_NAME = Pattern.compile("\\.checkpoint-(\\d{1,19})\\.tmp-.+");
    private static final Pattern STATE_TIME = Pattern.compile("\\d{1,19}");
    private static final Pattern TEMP_NAME = Pattern.compile(
            "\\..+\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** A URI scheme of at least two letters, so that a Windows drive letter is read as a path. */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

    private final String root;
    private final URI uri;
    private final Configuration conf;
    /**
     * The root as a local path when it is read and listed with {@code java.nio} rather than
     * through Hadoop (see {@link #open}); null for every other filesystem.
     */
    private final java.nio.file.Path localRoot;
    private FileSystem owned; // guarded by lock; created on first use when localRoot != null
    private FileSystem fs; // guarded by lock; the raw filesystem of owned when it is local
    private final boolean local;
    private final Path rootPath;
    private final Path statePath;
    private final Path sharedPath;
    private final LocalChecksums checksums = new LocalChecksums();
    private final int retained;
    private final Object lock = new Object();
    private boolean closed; // guarded by lock

    private HadoopCheckpointStore(String root, URI uri, Configuration conf, FileSystem owned, FileSystem fs,
                                  java.nio.file.Path localRoot, Path rootPath, int retained) {
        this.root = root;
        this.uri = uri;
        this.conf = conf;
        this.owned = owned;
        this.fs = fs;
        this.localRoot = localRoot;
        this.local = localRoot != null || owned instanceof LocalFileSystem;
        this.rootPath = rootPath;
        this.statePath = new Path(rootPath, STATE_DIR);
        this.sharedPath = new Path(statePath, SHARED_DIR);
        this.retained = retained;
    }

    /**
     * Opens (creating it if missing) the checkpoint directory {@code rootUri} with a filesystem
     * instance of its own (see {@link #newFileSystem}), which {@link #close} closes.
     *
     * @param rootUri  a filesystem URI such as {@code hdfs://nn:8020/apps/wc} or
     *                 {@code file:///var/sluice/wc}; a plain path without a scheme means the local
     *                 filesystem and is made absolute against the working directory
     * @param conf     the Hadoop configuration (filesystem settings, credentials)
     * @param retained how many of the newest checkpoints retention keeps, at least 1
     * @throws IllegalArgumentException if {@code retained < 1} or {@code rootUri} is blank or not
     *                                  a valid URI
     * @throws SluiceException          if the filesystem cannot be reached or the directory cannot
     *                                  be created
     */
    public static HadoopCheckpointStore open(String rootUri, Configuration conf, int retained) {
        Objects.requireNonNull(rootUri, "rootUri");
        Objects.requireNonNull(conf, "conf");
        if (retained < 1) {
            throw new IllegalArgumentException("retained must be at least 1 (the number of newest checkpoints "
                    + "kept, so that recovery has one to read), got [" + retained + "]");
        }
        URI uri = resolve(rootUri);
        java.nio.file.Path localRoot = localPathOf(uri, conf);
        if (localRoot != null) {
            try {
                if (!Files.isDirectory(localRoot)) {
                    Files.createDirectories(localRoot);
                }
            } catch (IOException | RuntimeException e) {
                throw new SluiceException("Cannot create the checkpoint directory [" + rootUri + "]: " + e
                        + "; check that its parent is writable and that no file has its name", e);
            }
            Path rootPath = new Path("file", null, localRoot.toString());
            LOG.debug("Opened local checkpoint directory [{}] ({}), retaining [{}] checkpoints", rootUri, rootPath,
                    retained);
            return new HadoopCheckpointStore(rootUri, uri, conf, null, null, localRoot, rootPath, retained);
        }
        FileSystem owned;
        try {
            owned = newFileSystem(uri, conf);
        } catch (IOException | RuntimeException e) {
            throw new SluiceException("Cannot open the filesystem of the checkpoint directory [" + rootUri + "]: "
                    + e + "; check the URI's scheme and authority and that the filesystem is reachable", e);
        }
        try {
            FileSystem fs = owned instanceof LocalFileSystem lfs ? lfs.getRawFileSystem() : owned;
            Path rootPath = fs.makeQualified(new Path(uri));
            if (!fs.mkdirs(rootPath) || !fs.getFileStatus(rootPath).isDirectory()) {
                throw new IOException("[" + rootPath + "] exists and is not a directory");
            }
            LOG.debug("Opened checkpoint directory [{}] ({}), retaining [{}] checkpoints", rootUri, rootPath, retained);
            return new HadoopCheckpointStore(rootUri, uri, conf, owned, fs, null, rootPath, retained);
        } catch (IOException | RuntimeException e) {
            try {
                owned.close();
            } catch (IOException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw new SluiceException("Cannot create the checkpoint directory [" + rootUri + "]: " + e
                    + "; check that its parent is writable and the filesystem is reachable", e);
        }
    }

    /**
     * A filesystem instance of the store's own for {@code uri}.
     *
     * <p>For a {@code file:} root whose scheme is not bound to another implementation
     * ({@code fs.file.impl} unset, as by default), the {@link LocalFileSystem} is built and
     * initialized directly, exactly as {@link FileSystem#newInstance} would build it, but
     * without what {@code newInstance} does first on a cold JVM: loading and instantiating
     * every filesystem class registered on the classpath (HDFS, WebHDFS, HAR, ViewFs, HTTP) to
     * map schemes to classes, and logging in the current user for the cache key. That start-up
     * costs about 0.5-0.7 s of CPU on a cold JVM (opening and listing a local directory: 0.3 s
     * built directly, 0.8-1.0 s through {@code newInstance}), on the recovery path of every
     * local checkpoint directory, and buys nothing there: the instance is never shared through
     * Hadoop's cache (the store closes it). Any other scheme, or a {@code file:} scheme bound to another class, goes
     * through {@link FileSystem#newInstance}.
     */
    static FileSystem newFileSystem(URI uri, Configuration conf) throws IOException {
        if (isLocalScheme(uri, conf)) {
            LocalFileSystem fs = new LocalFileSystem();
            fs.setConf(conf);
            fs.initialize(uri, conf);
            return fs;
        }
        return FileSystem.newInstance(uri, conf);
    }

    /** A {@code file:} URI whose scheme is not bound to another implementation. */
    private static boolean isLocalScheme(URI uri, Configuration conf) {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            return false;
        }
        String fileImpl = conf.getTrimmed("fs.file.impl");
        return fileImpl == null || fileImpl.isEmpty();
    }

    /**
     * The local directory of a {@code file:} root without authority whose scheme is not bound to
     * another implementation ({@code fs.file.impl} unset, as by default), whose
     * reads, listings and restores go through {@code java.nio} rather than Hadoop; null for any
     * other root.
     *
     * <p>Why: recovery of a local checkpoint directory reads the newest checkpoint file, the
     * state manifest, and checks the local copy of the state. Building Hadoop's filesystem for
     * that loads and initializes about 300 classes (0.3-0.5 s of CPU on a cold JVM, on the
     * critical path of every restart). The files are those the raw local filesystem writes (no
     * checksum side files), so reading them with {@code java.nio} reads the same bytes. Writes,
     * uploads and retention still go through Hadoop's local filesystem, built on first use.
     */
    static java.nio.file.Path localPathOf(URI uri, Configuration conf) {
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
            return null;
        }
        if (!isLocalScheme(uri, conf) || uri.getPath() == null || uri.getPath().isEmpty()) {
            return null;
        }
        try {
            return java.nio.file.Path.of(uri.getPath()).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The URI of {@code root}: itself when it has a scheme, else an absolute {@code file:} URI. */
    static URI resolve(String root) {
        if (root.isBlank()) {
            throw new IllegalArgumentException("The checkpoint directory must not be blank");
        }
        try {
            if (SCHEME.matcher(root).lookingAt()) {
                return new Path(root).toUri();
            }
            return java.nio.file.Path.of(root).toAbsolutePath().normalize().toUri();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The checkpoint directory [" + root + "] is not a valid URI or path: "
                    + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Retention then runs as described on the class. The checkpoint just written is never
     * deleted by its own retention, even when {@code retained} newer checkpoint files exist
     * (files recovery skipped as invalid, about to be rewritten by re-run batches). A failure of
     * retention does not fail the write, whose checkpoint is durable: it is logged at WARN and
     * retried after the next write.
     *
     * @throws IllegalArgumentException if {@code timeMs} is negative or the metadata is larger
     *                                  than about 2 GiB
     * @throws IllegalStateException    if the store is closed
     */
    @Override
    public void write(long timeMs, byte[] metadata) throws IOException {
        requireValidTime(timeMs);
        byte[] file = CheckpointFile.encode(timeMs, Objects.requireNonNull(metadata, "metadata"));
        synchronized (lock) {
            ensureOpen();
            Path target = checkpointPath(timeMs);
            try {
                writeAtomically(target, out -> {
                    out.write(file, 0, file.length / 2);
                    out.flush();
                    FaultPoints.hit(FaultPoints.CHECKPOINT_MID_WRITE);
                    out.write(file, file.length / 2, file.length - file.length / 2);
                });
                syncLocalDirectory(rootPath);
            } catch (IOException e) {
                throw new IOException("Cannot write checkpoint [" + timeMs + "] to [" + target + "]: " + e
                        + "; check that the directory is writable and the filesystem is reachable and not full"
                        + " (older checkpoints are untouched)", e);
            }
            LOG.info("Checkpoint [{}] written to [{}] ({} bytes of metadata)", timeMs, target, metadata.length);
            applyRetention(timeMs);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads newest first and returns the first file that passes every check of
     * {@link CheckpointFile}; each one skipped is logged at WARN with its reason. A file that the
     * filesystem reports as corrupt or missing blocks (HDFS) counts as invalid too.
     *
     * @throws IOException           if a checkpoint file cannot be read for another reason (an
     *                               unreachable filesystem): recovery must not silently fall back
     *                               on a transient error
     * @throws IllegalStateException if the store is closed
     */
    @Override
    public Optional<Checkpoint> readLatestValid() throws IOException {
        synchronized (lock) {
            ensureOpen();
            NavigableMap<Long, CheckpointFileRef> files = listCheckpointFiles();
            int skipped = 0;
            for (CheckpointFileRef status : files.descendingMap().values()) {
                long timeMs = timeOf(status.path().getName());
                String invalidReason;
                byte[] content = null;
                try {
                    content = readFile(status);
                    invalidReason = null;
                } catch (ChecksumException | BlockMissingException | EOFException | FileNotFoundException e) {
                    invalidReason = "unreadable: " + e;
                }
                if (content != null) {
                    CheckpointFile.Decoded decoded = CheckpointFile.decode(timeMs, content);
                    if (decoded.isValid()) {
                        if (skipped > 0) {
                            LOG.warn("Falling back to checkpoint [{}] in [{}] after skipping [{}] newer invalid ones",
                                    timeMs, root, skipped);
                        }
                        return Optional.of(new Checkpoint(timeMs, decoded.payload()));
                    }
                    invalidReason = decoded.invalidReason();
                }
                skipped++;
                LOG.warn("Skipping invalid checkpoint file [{}]: {}; trying an older checkpoint",
                        status.path(), invalidReason);
            }
            if (skipped > 0) {
                LOG.warn("No valid checkpoint in [{}]: all [{}] checkpoint files are invalid", root, skipped);
            }
            return Optional.empty();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Only names of the form {@code checkpoint-<digits>} count; temporary files do not.
     *
     * @throws IllegalStateException if the store is closed
     */
    @Override
    public List<Long> listTimes() throws IOException {
        synchronized (lock) {
            ensureOpen();
            return List.copyOf(listCheckpointFiles().keySet());
        }
    }

    /*
     * Incremental state snapshots: how, and why.
     *
     * A state snapshot is a RocksDB Checkpoint: a directory of table files (*.sst, *.blob),
     * which RocksDB never changes once written, plus a few small mutable files (CURRENT,
     * MANIFEST-*, OPTIONS-*, *.log). Two checkpoints a few batches apart share most of their
     * table files (compaction rewrites only some), so uploading every file every time would make
     * a checkpoint cost the whole state instead of the change since the last one.
     *
     * Layout:
     *   state/shared/<stem>-<size>-<crc32c><ext>   one copy of each immutable file, named by
     *                                              its content (size and CRC32C), so a RocksDB
     *                                              file number reused with other content after
     *                                              a restore gets another name
     *   state/<t>/files/<path>                     checkpoint t's mutable files, copied each time
     *   state/<t>/manifest                         StateManifest: every file of t, with size
     *                                              and CRC32C, written last
     *
     * Upload of checkpoint t (uploadState), each step durable before the next:
     *   1. list state/shared once (one call; sizes come with it);
     *   2. for each immutable file, take its CRC32C (LocalChecksums remembers it by inode, so a
     *      table file is read for its checksum once, when it is new) and upload it under its
     *      content name unless a file of that name and size is already there;
     *   3. copy the mutable files under state/<t>/files/;
     *   4. write state/<t>/manifest (temporary name, sync, rename).
     * The caller then writes the metadata file checkpoint-<t>, which is what makes t exist.
     *
     * Crash safety: every file appears under its final name only complete (temporary name, sync,
     * rename), and nothing of an older checkpoint is touched before step 4, so a crash in
     * steps 1-4, or after them and before the metadata, leaves the previous checkpoint whole;
     * the files uploaded so far are unreferenced, reused by the next upload if they match, or
     * collected. Garbage collection of shared files runs only in retention, after a metadata
     * file is durable (DESIGN.md I5): metadata of dropped checkpoints first, then their
     * state/<t>, then every shared file that no remaining manifest names. If any manifest of a
     * kept checkpoint cannot be read, no shared file is deleted (a file is deleted only when it
     * is known to be unreferenced). A crash mid-collection leaves only unreferenced files behind,
     * which the next retention deletes. Uploads, retention and restores are serialized on the
     * store's lock, so retention never sees an upload halfway.
     *
     * Restore (restoreState) makes a local directory equal to a manifest: a file already there
     * with the right size and checksum (remembered in the directory's index when it was
     * written, so a restart reads nothing) stays, any other is downloaded (checked against the
     * manifest's size and CRC32C), and files the manifest does not name are deleted. A restart
     * on the same machine therefore downloads only what its local copy lacks, usually nothing;
     * a restart elsewhere downloads everything.
     */

    /**
     * {@inheritDoc}
     *
     * <p>Incremental: immutable files ({@link StateManifest#isImmutable}) already uploaded by an
     * earlier checkpoint of this root, same name, size and CRC32C, do not travel again; mutable
     * files are copied every time. The checksums are recorded in an index file inside
     * {@code localDir} ({@link LocalChecksums}), so that a later {@link #restoreState} into the
     * same directory can trust its files without reading them. Repeating the upload for the same
     * time replaces the earlier upload whole. See the comment above this method for the
     * algorithm and its crash safety.
     *
     * @return what travelled and what was reused
     * @throws IOException              if {@code localDir} is not a readable directory, a file
     *                                  name cannot be a Hadoop path (it holds a {@code ':'}), or a
     *                                  write fails; the previous checkpoints stay complete
     * @throws IllegalArgumentException if {@code timeMs} is negative
     * @throws IllegalStateException    if the store is closed
     */
    @Override
    public StateTransfer uploadState(long timeMs, java.nio.file.Path localDir) throws IOException {
        requireValidTime(timeMs);
        Objects.requireNonNull(localDir, "localDir");
        if (!Files.isDirectory(localDir)) {
            throw new NotDirectoryException("Cannot upload the state of checkpoint [" + timeMs + "]: ["
                    + localDir + "] is not a directory");
        }
        synchronized (lock) {
            ensureOpen();
            Path target = stateDir(timeMs);
            Path ownDir = new Path(target, OWN_FILES_DIR);
            long[] totals = new long[4];
            try {
                // Every directory an entry may have been added to, synced at the end (local only).
                Set<Path> directories = new LinkedHashSet<>(List.of(rootPath, statePath, sharedPath, target, ownDir));
                Map<String, Long> shared = listShared();
                // A repeated upload for the same time (a batch re-run after recovery, whose
                // earlier checkpoint metadata was never completed) replaces the earlier one
                // whole, so no stale file of a partial upload mixes into the new snapshot.
                if (fs().exists(target)) {
                    fs().delete(target, true);
                }
                fs().mkdirs(sharedPath);
                fs().mkdirs(ownDir);
                List<String> snapshotDirectories = new ArrayList<>();
                List<StateManifest.Entry> entries = new ArrayList<>();
                Map<String, Integer> localChecksums = new TreeMap<>();
                for (java.nio.file.Path local : walk(localDir)) {
                    java.nio.file.Path relative = localDir.relativize(local);
                    String rel = relative.toString().replace('\\', '/');
                    if (rel.startsWith(LocalChecksums.INDEX_NAME)) {
                        continue; // this store's local index, not part of the snapshot
                    }
                    Path ownPath = remotePath(ownDir, relative);
                    if (Files.isDirectory(local)) {
                        fs().mkdirs(ownPath);
                        directories.add(ownPath);
                        snapshotDirectories.add(rel);
                    } else if (Files.isRegularFile(local)) {
                        FaultPoints.hit(FaultPoints.STATE_UPLOAD_BETWEEN_FILES);
                        StateManifest.Entry entry;
                        if (StateManifest.isImmutable(local.getFileName().toString())) {
                            long size = Files.size(local);
                            int crc = checksums.checksum(local);
                            entry = new StateManifest.Entry(rel, size, crc, true);
                            Long present = shared.get(entry.sharedName());
                            if (present != null && present == size) {
                                totals[2]++;
                                totals[3] += size;
                            } else {
                                Path remote = new Path(sharedPath, entry.sharedName());
                                writeAtomically(remote, out -> Files.copy(local, out));
                                shared.put(entry.sharedName(), size);
                                totals[0]++;
                                totals[1] += size;
                            }
                        } else {
                            CRC32C crc = new CRC32C();
                            long[] size = new long[1];
                            writeAtomically(ownPath, out -> size[0] = copyCounting(local, out, crc));
                            directories.add(ownPath.getParent());
                            entry = new StateManifest.Entry(rel, size[0], (int) crc.getValue(), false);
                            totals[0]++;
                            totals[1] += size[0];
                        }
                        entries.add(entry);
                        localChecksums.put(rel, entry.crc32c());
                    }
                }
                StateManifest manifest = new StateManifest(timeMs, snapshotDirectories, entries);
                byte[] encoded = manifest.encode();
                writeAtomically(new Path(target, MANIFEST_NAME), out -> out.write(encoded));
                for (Path directory : directories) {
                    syncLocalDirectory(directory);
                }
                try {
                    checksums.writeIndex(localDir, localChecksums);
                } catch (IOException | RuntimeException e) {
                    // Only a cache: a restore into this directory will read the files instead.
                    LOG.warn("Cannot write the checksum index of [{}]: {}; a restore from it will read its files",
                            localDir, e.toString());
                }
            } catch (IOException e) {
                throw new IOException("Cannot upload the state of checkpoint [" + timeMs + "] from [" + localDir
                        + "] to [" + target + "]: " + e + "; check that the local files are readable, the"
                        + " directory is writable and the filesystem is reachable and not full"
                        + " (older checkpoints are untouched)", e);
            }
            StateTransfer transfer = new StateTransfer(totals[0], totals[1], totals[2], totals[3]);
            LOG.info("State of checkpoint [{}] uploaded to [{}]: {} files, {} bytes sent; {} files, {} bytes"
                    + " already there", timeMs, target, totals[0], totals[1], totals[2], totals[3]);
            return transfer;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws FileNotFoundException if the checkpoint has no state (never uploaded, or deleted by
     *                               retention)
     * @throws IOException           if the manifest is missing, truncated or corrupt
     * @throws IllegalStateException if the store is closed
     */
    @Override
    public StateManifest readStateManifest(long timeMs) throws IOException {
        requireValidTime(timeMs);
        synchronized (lock) {
            ensureOpen();
            return readManifest(timeMs);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Each downloaded file is copied to a temporary name in its directory, its size and
     * CRC32C checked against the manifest, forced to disk, then moved to its final name, so
     * {@code localDir} never holds a partial file under a final name.
     *
     * @throws FileNotFoundException      if the checkpoint has no state directory (never uploaded,
     *                                    or deleted by retention)
     * @throws FileAlreadyExistsException if {@code localDir} exists and is not an empty directory
     * @throws IllegalStateException      if the store is closed
     */
    @Override
    public StateTransfer downloadState(long timeMs, java.nio.file.Path localDir) throws IOException {
        requireValidTime(timeMs);
        Objects.requireNonNull(localDir, "localDir");
        synchronized (lock) {
            ensureOpen();
            requireEmptyOrAbsent(localDir);
            return restoreLocked(timeMs, localDir);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A local file is kept when its size matches and its CRC32C does: the checksum is taken
     * from the directory's index when the file's identity (name, size, modification time,
     * inode) is the one recorded when this store uploaded or restored it, else by reading the
     * file. Downloads are checked as in {@link #downloadState}. The directory's index is
     * rewritten at the end.
     *
     * @throws FileNotFoundException if the checkpoint has no state
     * @throws IOException           if the manifest is corrupt, a download fails, or a remote
     *                               file does not match the manifest; files already in place stay
     * @throws IllegalStateException if the store is closed
     */
    @Override
    public StateTransfer restoreState(long timeMs, java.nio.file.Path localDir) throws IOException {
        requireValidTime(timeMs);
        Objects.requireNonNull(localDir, "localDir");
        synchronized (lock) {
            ensureOpen();
            return restoreLocked(timeMs, localDir);
        }
    }

    private StateTransfer restoreLocked(long timeMs, java.nio.file.Path localDir) throws IOException {
        StateManifest manifest = readManifest(timeMs);
        Path source = stateDir(timeMs);
        long[] totals = new long[4];
        try {
            if (Files.exists(localDir) && !Files.isDirectory(localDir)) {
                throw new FileAlreadyExistsException(localDir.toString(), null,
                        "the state restore target exists and is not a directory");
            }
            Files.createDirectories(localDir);
            checksums.loadIndex(localDir);
            Set<java.nio.file.Path> wanted = new HashSet<>();
            for (String directory : manifest.directories()) {
                java.nio.file.Path local = localDir.resolve(directory);
                if (Files.exists(local) && !Files.isDirectory(local)) {
                    Files.delete(local);
                }
                Files.createDirectories(local);
                wanted.add(local);
            }
            Map<String, Integer> localChecksums = new TreeMap<>();
            for (StateManifest.Entry entry : manifest.files()) {
                java.nio.file.Path local = localDir.resolve(entry.path());
                wanted.add(local);
                localChecksums.put(entry.path(), entry.crc32c());
                if (Files.isRegularFile(local) && Files.size(local) == entry.size()
                        && checksums.checksum(local) == entry.crc32c()) {
                    totals[2]++;
                    totals[3] += entry.size();
                    continue;
                }
                Path remote = entry.shared() ? new Path(sharedPath, entry.sharedName())
                        : remotePath(new Path(source, OWN_FILES_DIR), java.nio.file.Path.of(entry.path()));
                if (Files.isDirectory(local)) {
                    deleteLocalRecursively(local);
                }
                Files.createDirectories(local.getParent());
                downloadFile(remote, local, entry);
                totals[0]++;
                totals[1] += entry.size();
            }
            // Files the manifest does not name: a newer snapshot's, or the debris of a crash.
            for (java.nio.file.Path existing : reversed(walk(localDir))) {
                if (!wanted.contains(existing) && !existing.getFileName().toString().startsWith(LocalChecksums.INDEX_NAME)
                        && !(Files.isDirectory(existing) && containsWanted(existing, wanted))) {
                    deleteLocalRecursively(existing);
                }
            }
            checksums.writeIndex(localDir, localChecksums);
            try (FileChannel channel = FileChannel.open(localDir, StandardOpenOption.READ)) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new IOException("Cannot restore the state of checkpoint [" + timeMs + "] from [" + source
                    + "] to [" + localDir + "]: " + e + "; check that the local directory is writable and"
                    + " the filesystem is reachable", e);
        }
        LOG.info("State of checkpoint [{}] restored from [{}] to [{}]: {} files, {} bytes downloaded; {} files,"
                + " {} bytes already in place", timeMs, source, localDir, totals[0], totals[1], totals[2], totals[3]);
        return new StateTransfer(totals[0], totals[1], totals[2], totals[3]);
    }

    private static boolean containsWanted(java.nio.file.Path directory, Set<java.nio.file.Path> wanted) {
        for (java.nio.file.Path p : wanted) {
            if (p.startsWith(directory) && !p.equals(directory)) {
                return true;
            }
        }
        return false;
    }

    private static void deleteLocalRecursively(java.nio.file.Path path) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            for (java.nio.file.Path child : reversed(walk(path))) {
                Files.deleteIfExists(child);
            }
        }
        Files.deleteIfExists(path);
    }

    /** Reads and validates {@code state/<timeMs>/manifest}; the lock is held. */
    private StateManifest readManifest(long timeMs) throws IOException {
        Path source = stateDir(timeMs);
        if (localRoot != null ? !Files.exists(localOf(source)) : !fs().exists(source)) {
            throw new FileNotFoundException("Checkpoint [" + timeMs + "] has no state: [" + source
                    + "] does not exist; either its state was never uploaded (uploadState must precede write)"
                    + " or retention deleted it (only the newest [" + retained + "] checkpoints keep their state)");
        }
        Path manifestPath = new Path(source, MANIFEST_NAME);
        byte[] content;
        try {
            if (localRoot != null) {
                content = readLocal(localOf(manifestPath));
            } else {
                try (FSDataInputStream in = fs().open(manifestPath)) {
                    content = in.readAllBytes();
                }
            }
        } catch (FileNotFoundException e) {
            throw new IOException("The state of checkpoint [" + timeMs + "] has no manifest [" + manifestPath
                    + "]: its upload was interrupted, or it was written by a Sluice without incremental"
                    + " snapshots; recover from another checkpoint or start with a new checkpoint directory", e);
        }
        try {
            return StateManifest.decode(timeMs, content);
        } catch (IOException e) {
            throw new IOException("The state manifest [" + manifestPath + "] is not valid: " + e.getMessage()
                    + "; recover from an older checkpoint (delete checkpoint-" + timeMs + ")", e);
        }
    }

    /** Names and sizes of the files under {@code state/shared/}, temporary files left out. */
    private Map<String, Long> listShared() throws IOException {
        Map<String, Long> shared = new HashMap<>();
        if (!fs().exists(sharedPath)) {
            return shared;
        }
        for (FileStatus status : fs().listStatus(sharedPath)) {
            String name = status.getPath().getName();
            if (status.isFile() && !TEMP_NAME.matcher(name).matches()) {
                shared.put(name, status.getLen());
            }
        }
        return shared;
    }

    private static long copyCounting(java.nio.file.Path local, OutputStream out, CRC32C crc) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (InputStream in = Files.newInputStream(local)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
                out.write(buffer, 0, n);
                total += n;
            }
        }
        return total;
    }

    /** Downloads {@code remote} to {@code local} through a temporary file, checked against {@code entry}. */
    private void downloadFile(Path remote, java.nio.file.Path local, StateManifest.Entry entry) throws IOException {
        java.nio.file.Path temporary = local.resolveSibling("." + local.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            CRC32C crc = new CRC32C();
            long copied;
            try (InputStream in = localRoot != null ? openLocal(localOf(remote)) : fs().open(remote);
                 FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                         StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                byte[] buffer = new byte[1 << 16];
                copied = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    copied += n;
                }
                channel.force(true);
            }
            if (copied != entry.size() || (int) crc.getValue() != entry.crc32c()) {
                throw new IOException("[" + remote + "] does not match the state manifest: [" + copied
                        + "] bytes with CRC32C [" + String.format("%08x", (int) crc.getValue()) + "], expected ["
                        + entry.size() + "] bytes with [" + String.format("%08x", entry.crc32c())
                        + "]; the checkpoint directory is damaged, recover from an older checkpoint");
            }
            Files.move(temporary, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    /** {@inheritDoc} */
    @Override
    public String root() {
        return root;
    }

    /** Closes this store's filesystem instance, if it was built. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (owned != null) {
                owned.close();
            }
        }
    }

    /**
     * The Hadoop filesystem, built on first use for a local root (whose reads need none); the
     * lock is held.
     */
    private FileSystem fs() throws IOException {
        synchronized (lock) {
            if (fs == null) {
                try {
                    owned = newFileSystem(uri, conf);
                } catch (IOException | RuntimeException e) {
                    throw new IOException("Cannot open the filesystem of the checkpoint directory [" + root + "]: "
                            + e + "; check the URI's scheme and authority and that the filesystem is reachable", e);
                }
                fs = owned instanceof LocalFileSystem lfs ? lfs.getRawFileSystem() : owned;
            }
            return fs;
        }
    }

    /**
     * Whether this store has built its Hadoop filesystem yet: from {@link #open} on for roots
     * other than local ones, on the first write, upload or retention for a local root.
     */
    boolean filesystemBuilt() {
        synchronized (lock) {
            return fs != null;
        }
    }

    /** The local file of {@code path} under a local root. */
    private static java.nio.file.Path localOf(Path path) {
        return java.nio.file.Path.of(path.toUri().getPath());
    }

    private static InputStream openLocal(java.nio.file.Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (java.nio.file.NoSuchFileException e) {
            FileNotFoundException missing = new FileNotFoundException(file + " (no such file)");
            missing.initCause(e);
            throw missing;
        }
    }

    /** All bytes of a local file; a missing file is reported as Hadoop reports it. */
    private static byte[] readLocal(java.nio.file.Path file) throws IOException {
        try (InputStream in = openLocal(file)) {
            return in.readAllBytes();
        }
    }

    @Override
    public String toString() {
        return "HadoopCheckpointStore[" + rootPath + ", retained=" + retained + "]";
    }

    // ---------------------------------------------------------------------------------------
    // Writing

    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Temporary name, content, hsync, close, then rename over {@code target}. */
    private void writeAtomically(Path target, Content content) throws IOException {
        if (local) {
            writeLocallyAtomically(target, content);
            return;
        }
        Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs().create(temporary, false)) {
                content.writeTo(out);
                if (out.hasCapability(StreamCapabilities.HSYNC)) {
                    out.hsync();
                }
                // else: an object store, whose data is durable once close() returns.
            }
            if (fs().exists(target) && !fs().delete(target, false)) {
                throw new IOException("Cannot replace [" + target + "]: deleting the previous file failed");
            }
            FaultPoints.hit(FaultPoints.CHECKPOINT_BEFORE_RENAME);
            if (!fs().rename(temporary, target)) {
                throw new IOException("Renaming [" + temporary + "] to [" + target + "] failed");
            }
        } catch (IOException | RuntimeException e) {
            try {
                fs().delete(temporary, false);
            } catch (IOException | RuntimeException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    /**
     * The local filesystem's path of the same protocol, in java.nio: Hadoop's raw local
     * filesystem without its native library forks a {@code chmod} process for every file it
     * creates (about 10 ms each), which made a checkpoint of a few state files cost hundreds of
     * milliseconds on the batch thread.
     */
    private void writeLocallyAtomically(Path target, Content content) throws IOException {
        java.nio.file.Path finalPath = java.nio.file.Path.of(target.toUri());
        java.nio.file.Path temporary = finalPath.resolveSibling("." + finalPath.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            FaultPoints.hit(FaultPoints.CHECKPOINT_BEFORE_RENAME);
            // rename(2) replaces an existing target atomically.
            Files.move(temporary, finalPath, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException | RuntimeException cleanupFailure) {
                e.addSuppressed(cleanupFailure);
            }
            throw e;
        }
    }

    /**
     * Makes renames and creations in {@code directory} durable. Only the local filesystem needs
     * it (HDFS and object stores persist their namespace themselves) and only Linux-like systems
     * support it, which is where Sluice runs.
     */
    private void syncLocalDirectory(Path directory) throws IOException {
        if (!local) {
            return;
        }
        try (FileChannel channel = FileChannel.open(java.nio.file.Path.of(directory.toUri()), StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static List<java.nio.file.Path> walk(java.nio.file.Path localDir) throws IOException {
        try (Stream<java.nio.file.Path> paths = Files.walk(localDir)) {
            return paths.filter(p -> !p.equals(localDir)).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private static Path remotePath(Path base, java.nio.file.Path relative) throws IOException {
        Path remote = base;
        for (java.nio.file.Path name : relative) {
            String element = name.toString();
            if (element.indexOf(':') >= 0) {
                throw new IOException("The state file name [" + relative + "] holds a ':', which a Hadoop"
                        + " FileSystem path cannot hold");
            }
            if (TEMP_NAME.matcher(element).matches()) {
                throw new IOException("The state file name [" + relative + "] looks like one of this store's"
                        + " temporary files, which downloads skip; rename it");
            }
            remote = new Path(remote, element);
        }
        return remote;
    }

    // ---------------------------------------------------------------------------------------
    // Retention (called with the lock held, after checkpoint writtenTimeMs is durable)

    private void applyRetention(long writtenTimeMs) {
        try {
            NavigableMap<Long, CheckpointFileRef> files = listCheckpointFiles();
            Set<Long> kept = new LinkedHashSet<>(files.descendingKeySet().stream().limit(retained).toList());
            if (kept.add(writtenTimeMs)) {
                LOG.warn("Checkpoint [{}] is older than the [{}] newest checkpoint files {} in [{}]; keeping it"
                        + " too. Were the newer ones skipped by recovery as invalid?", writtenTimeMs, retained,
                        files.descendingKeySet().stream().limit(retained).toList(), root);
            }
            long newestKept = Collections.max(kept);
            for (Long timeMs : files.keySet()) {
                if (!kept.contains(timeMs)) {
                    // Metadata first: a crash in between leaves orphan state, never dangling metadata.
                    delete(checkpointPath(timeMs), false);
                    deleteIfExists(stateDir(timeMs));
                    LOG.debug("Retention deleted checkpoint [{}] from [{}]", timeMs, root);
                }
            }
            if (fs().exists(statePath)) {
                for (FileStatus status : fs().listStatus(statePath)) {
                    String name = status.getPath().getName();
                    if (STATE_TIME.matcher(name).matches() && isLong(name)) {
                        long timeMs = Long.parseLong(name);
                        // Newer than every checkpoint: an upload for the coming one.
                        if (timeMs < newestKept && !kept.contains(timeMs)) {
                            delete(status.getPath(), true);
                            LOG.debug("Retention deleted orphan state [{}]", status.getPath());
                        }
                    }
                }
            }
            collectSharedFiles(kept, writtenTimeMs);
            for (FileStatus status : fs().listStatus(rootPath)) {
                Matcher matcher = TEMP_CHECKPOINT_NAME.matcher(status.getPath().getName());
                // Writes are serialized on the lock, so no temporary file is being written now.
                if (matcher.matches() && isLong(matcher.group(1)) && Long.parseLong(matcher.group(1)) <= newestKept) {
                    delete(status.getPath(), false);
                    LOG.debug("Retention deleted leftover temporary file [{}]", status.getPath());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not data loss: the checkpoint is durable, and old files are retried after the next write.
            LOG.warn("Checkpoint [{}] is written, but deleting old checkpoints from [{}] failed; retention will"
                    + " retry after the next checkpoint", writtenTimeMs, root, e);
        }
    }

    /**
     * Deletes every file under {@code state/shared/} that no remaining manifest names, and the
     * temporary files of interrupted uploads there. Runs after the old checkpoints' metadata and
     * state directories are gone, so the remaining manifests are those of the kept checkpoints
     * and of a coming one. If a kept checkpoint's manifest cannot be read, nothing is deleted:
     * a shared file goes only when it is known to be unreferenced.
     */
    private void collectSharedFiles(Set<Long> kept, long writtenTimeMs) throws IOException {
        if (!fs().exists(sharedPath)) {
            return;
        }
        Set<String> referenced = new HashSet<>();
        for (FileStatus status : fs().listStatus(statePath)) {
            String name = status.getPath().getName();
            if (!status.isDirectory() || !STATE_TIME.matcher(name).matches() || !isLong(name)) {
                continue;
            }
            long timeMs = Long.parseLong(name);
            try {
                for (StateManifest.Entry entry : readManifest(timeMs).files()) {
                    if (entry.shared()) {
                        referenced.add(entry.sharedName());
                    }
                }
            } catch (IOException e) {
                if (kept.contains(timeMs)) {
                    LOG.warn("Checkpoint [{}] is written, but the state manifest of kept checkpoint [{}] in [{}]"
                            + " cannot be read ({}); no shared state file is deleted until it can", writtenTimeMs,
                            timeMs, root, e.getMessage());
                    return;
                }
                // The state of no checkpoint (an upload that never reached its manifest): it
                // references nothing durable.
            }
        }
        long deleted = 0;
        for (FileStatus status : fs().listStatus(sharedPath)) {
            String name = status.getPath().getName();
            // Uploads are serialized on the lock, so a temporary file here is an interrupted one.
            if (!referenced.contains(name)) {
                delete(status.getPath(), false);
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.debug("Retention deleted [{}] shared state files no kept checkpoint needs from [{}]", deleted, root);
        }
    }

    private void delete(Path path, boolean recursive) throws IOException {
        if (!fs().delete(path, recursive) && fs().exists(path)) {
            throw new IOException("Cannot delete [" + path + "]");
        }
    }

    private void deleteIfExists(Path path) throws IOException {
        if (fs().exists(path)) {
            delete(path, true);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    /** A checkpoint metadata file found by a listing: its path and length. */
    private record CheckpointFileRef(Path path, long length) {
    }

    private NavigableMap<Long, CheckpointFileRef> listCheckpointFiles() throws IOException {
        NavigableMap<Long, CheckpointFileRef> files = new TreeMap<>();
        try {
            if (localRoot != null) {
                try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(localRoot)) {
                    for (java.nio.file.Path entry : entries) {
                        String name = entry.getFileName().toString();
                        if (isCheckpointName(name) && Files.isRegularFile(entry)) {
                            files.put(timeOf(name), new CheckpointFileRef(new Path(rootPath, name), Files.size(entry)));
                        }
                    }
                }
                return files;
            }
            for (FileStatus status : fs().listStatus(rootPath)) {
                String name = status.getPath().getName();
                if (status.isFile() && isCheckpointName(name)) {
                    files.put(timeOf(name), new CheckpointFileRef(status.getPath(), status.getLen()));
                }
            }
            return files;
        } catch (IOException e) {
            throw new IOException("Cannot list the checkpoint directory [" + rootPath + "]: " + e
                    + "; check that it exists and the filesystem is reachable", e);
        }
    }

    private static boolean isCheckpointName(String name) {
        return CHECKPOINT_NAME.matcher(name).matches() && isLong(name.substring(CHECKPOINT_PREFIX.length()));
    }

    private byte[] readFile(CheckpointFileRef file) throws IOException {
        if (file.length() > CheckpointFile.MAX_PAYLOAD_BYTES) {
            // Far beyond any real metadata; refuse rather than exhaust the heap.
            throw new EOFException("[" + file.length() + "] bytes, more than a checkpoint file can hold");
        }
        try {
            if (localRoot != null) {
                return readLocal(localOf(file.path()));
            }
            try (FSDataInputStream in = fs().open(file.path())) {
                return in.readAllBytes();
            }
        } catch (ChecksumException | BlockMissingException | EOFException | FileNotFoundException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("Cannot read checkpoint file [" + file.path() + "]: " + e
                    + "; check that the filesystem is reachable", e);
        }
    }

    private static void requireEmptyOrAbsent(java.nio.file.Path localDir) throws IOException {
        if (!Files.exists(localDir)) {
            return;
        }
        if (!Files.isDirectory(localDir)) {
            throw new FileAlreadyExistsException(localDir.toString(), null,
                    "the state download target exists and is not a directory");
        }
        try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(localDir)) {
            if (entries.iterator().hasNext()) {
                throw new FileAlreadyExistsException(localDir.toString(), null,
                        "the state download target is not empty; give a new or empty directory");
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Names

    private Path checkpointPath(long timeMs) {
        return new Path(rootPath, CHECKPOINT_PREFIX + timeMs);
    }

    private Path stateDir(long timeMs) {
        return new Path(statePath, Long.toString(timeMs));
    }

    private static long timeOf(String checkpointName) {
        return Long.parseLong(checkpointName.substring(CHECKPOINT_PREFIX.length()));
    }

    /** Whether a string of 1 to 19 digits fits in a long (19 nines does not). */
    private static boolean isLong(String digits) {
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void requireValidTime(long timeMs) {
        if (timeMs < 0) {
            throw new IllegalArgumentException("A checkpoint time must not be negative, got [" + timeMs + "]");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The checkpoint store of [" + root + "] is closed");
        }
    }
}
