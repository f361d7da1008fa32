package io.sluice.internal.checkpoint;

/**
 * What one state upload or restore moved: files and bytes that crossed to or from the
 * checkpoint filesystem, and files and bytes that were already where they had to be (shared
 * files uploaded by an earlier checkpoint, local files that matched the manifest).
 *
 * @param filesTransferred files written to (upload) or read from (restore) the checkpoint filesystem
 * @param bytesTransferred their bytes
 * @param filesReused files that did not travel because an identical copy was already in place
 * @param bytesReused their bytes
 */
public record StateTransfer(long filesTransferred, long bytesTransferred, long filesReused, long bytesReused) {
}
