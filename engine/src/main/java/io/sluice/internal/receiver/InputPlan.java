package io.sluice.internal.receiver;

import java.io.Serializable;

/**
 * What a direct (receiver-less) input stream reads in one batch, fixed when the batch is
 * generated and logged with the batch's allocation before any job of the batch runs (DESIGN.md
 * I2), so a batch re-run after recovery reads exactly the same data (I3).
 *
 * @param plan the stream's description of the batch's data (files, offset ranges, a number range)
 * @param positionAfter the stream's source position once this batch is read: a checkpoint of this
 *        batch records it, and a recovered stream plans its next batch from it
 * @param records the number of records the plan covers, or -1 when unknown before reading
 */
public record InputPlan(Serializable plan, Serializable positionAfter, long records) {
}
