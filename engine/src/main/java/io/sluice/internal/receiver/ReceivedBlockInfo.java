package io.sluice.internal.receiver;

import io.sluice.internal.storage.wal.WalHandle;
import java.io.Serializable;

/**
 * Metadata of one received block, as logged by the block tracker.
 *
 * @param streamId the input stream
 * @param blockId unique within the stream, across restarts
 * @param numRecords records in the block
 * @param walHandle where the block is in the stream's WAL, or null without a WAL
 * @param sourcePosition the source position after the block, or null
 * @param logTimeMs when the block's addition was logged in the tracker log (cleanup)
 */
public record ReceivedBlockInfo(int streamId, long blockId, int numRecords, WalHandle walHandle,
                                Serializable sourcePosition, long logTimeMs) implements Serializable {

    ReceivedBlockInfo withLogTime(long t) {
        return new ReceivedBlockInfo(streamId, blockId, numRecords, walHandle, sourcePosition, t);
    }
}
