package io.sluice.internal.receiver;

import java.util.List;
import java.util.Map;

/** An event of the block tracker's log. */
public sealed interface TrackerEvent {

    /** A block was received and is durable. */
    record BlockAdded(ReceivedBlockInfo block) implements TrackerEvent {
    }

    /**
     * All then-unallocated blocks were allocated to batch {@code timeMs}, and each direct input
     * stream's plan for the batch was fixed ({@code plans}, by stream id).
     */
    record BatchAllocated(long timeMs, Map<Integer, List<ReceivedBlockInfo>> blocks,
                          Map<Integer, InputPlan> plans) implements TrackerEvent {
    }
}
