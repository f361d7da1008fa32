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
 *   state/&lt;timeMs&gt;/...             the state snapshot files of that checkpoint
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
     * Copies every regular file of {@code localDir} (recursively) to {@code state/<timeMs>/}
     * under the root, each file written to a temporary name, synced and renamed. To be called
     * before {@link #write} of the same time. A repeated upload for the same time replaces the
     * earlier files whole.
     */
    void uploadState(long timeMs, Path localDir) throws IOException;

    /**
     * Copies the state files of checkpoint {@code timeMs} into {@code localDir} (created; must
     * not exist or be empty).
     *
     * @throws IOException if the checkpoint has no state or a file cannot be read
     */
    void downloadState(long timeMs, Path localDir) throws IOException;

    /** The root URI, as given. */
    String root();

    @Override
    void close() throws IOException;

    /** A checkpoint read back: its batch time and its metadata bytes, checksum verified. */
    record Checkpoint(long timeMs, byte[] metadata) {
    }
}
