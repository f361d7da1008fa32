package io.sluice;

import java.util.Optional;

/**
 * The state of one receiver, given to {@link StreamingListener}s with every receiver event, as
 * Spark's {@code ReceiverInfo}.
 *
 * @param streamId the id of the input stream the receiver feeds
 * @param name the receiver's name (its class's simple name)
 * @param active whether the receiver is running (false once stopped or while restarting)
 * @param lastErrorMessage the message of the last error reported or that caused a restart, or
 *     the empty string if none
 * @param lastError the last error's exception, if it had one
 * @param lastErrorTimeMs when the last error happened (epoch ms), or -1 if none
 */
public record ReceiverInfo(int streamId, String name, boolean active, String lastErrorMessage,
                           Optional<Throwable> lastError, long lastErrorTimeMs) {
}
