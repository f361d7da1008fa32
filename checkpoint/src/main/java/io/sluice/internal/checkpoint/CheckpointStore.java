package io.sluice.internal.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The durable remote layout of checkpoints under one directory of any Hadoop FileSystem
 * ({@code file://}, {@code hdfs://}, ...). Bytes and files only: it knows nothing of streams.
 *
 * <p>Layout under the root:
 * <pre>
 *   checkpoint-&lt;timeMs&gt;            metadata of the checkpoint taken after batch timeMs
 *   state/shared/...                   immutable state files (RocksDB tables), one copy each
 *   state/&lt;timeMs&gt;/manifest         the files of that checkpoint's state snapshot
 *   state/&lt;timeMs&gt;/files/...       its mutable state files
 * </pre>
 *
 * <p>Guarantees (DESIGN.md I4): a metadata file is written under a temporary name, synced
 * (hsync), then renamed, and carries a magic number, a format version, its length and a CRC32C
 * checksum; {@link #readLatestValid} skips (with a warning) a newest file that is partial or
 * corrupt and returns the previous valid one. State files are uploaded before the metadata that
 * refers to them is written.
 *
 * <p>Thread-safe.
 */
public interface CheckpointStore extends AutoCloseable {

    /**
     * Durably writes {@code metadata} as the checkpoint of {@code timeMs}, then deletes the
     * metadata and state of checkpoints beyond the newest {@code retained} ones.
     *
     * @throws IOException if the write or the rename fails; no partial checkpoint is then visible
     */
    void write(long timeMs, byte[] metadata) throws IOException;

    /** The newest checkpoint whose file is complete and whose checksum matches, if any. */
    Optional<Checkpoint> readLatestValid() throws IOException;

    /** Times of all checkpoint files present (valid or not), oldest first. */
    List<Long> listTimes() throws IOException;

    /**
     * Uploads the state snapshot in {@code localDir} (a RocksDB Checkpoint) as the state of
     * checkpoint {@code timeMs}, incrementally: immutable files that an earlier checkpoint
     * already uploaded do not travel again, and a manifest listing every file (size, CRC32C) is
     * written last. To be called before {@link #write} of the same time. A repeated upload for
     * the same time replaces the earlier one whole. Files uploaded here are never deleted before
     * a checkpoint that no longer needs them is durable (retention after {@link #write}).
     *
     * @return the files and bytes sent, and those already there
     */
    StateTransfer uploadState(long timeMs, Path localDir) throws IOException;

    /**
     * The state manifest of checkpoint {@code timeMs}: the files its snapshot is made of.
     *
     * @throws java.io.FileNotFoundException if the checkpoint has no state
     * @throws IOException if the manifest is missing or corrupt
     */
    StateManifest readStateManifest(long timeMs) throws IOException;

    /**
     * Copies the state files of checkpoint {@code timeMs} into {@code localDir} (created; must
     * not exist or be empty).
     *
     * @throws IOException if the checkpoint has no state or a file cannot be read
     */
    StateTransfer downloadState(long timeMs, Path localDir) throws IOException;

    /**
     * Makes {@code localDir} hold exactly the state files of checkpoint {@code timeMs}: files
     * already there that match the manifest (name, size, CRC32C) are kept, the others
     * downloaded, files the manifest does not list deleted (local recovery: a restart on the
     * same machine downloads only what its local copy lacks).
     *
     * @return the files and bytes downloaded, and those already in place
     * @throws IOException if the checkpoint has no state or a file cannot be read or verified
     */
    StateTransfer restoreState(long timeMs, Path localDir) throws IOException;

    /** The root URI, as given. */
    String root();

    @Override
    void close() throws IOException;

    /** A checkpoint read back: its batch time and its metadata bytes, checksum verified. */
    record Checkpoint(long timeMs, byte[] metadata) {
    }
}
