package io.sluice.internal.dstream;

import io.sluice.Time;

/**
 * The work of one output operation for one batch.
 *
 * @param time the batch time
 * @param outputOpId the output operation's index, in declaration order
 * @param body computes the batch's RDD and runs the output function
 */
public record Job(Time time, int outputOpId, Runnable body) {
}
