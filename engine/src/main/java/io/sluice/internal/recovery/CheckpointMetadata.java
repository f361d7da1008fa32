package io.sluice.internal.recovery;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a metadata checkpoint holds. No user code: recovery rebuilds the graph by running the
 * application's setup function and restores this onto it by operator id.
 *
 * @param formatVersion version of this layout
 * @param appName the application's name
 * @param batchDurationMs the batch duration
 * @param zeroTimeMs the graph's zero time (batch times are zeroTime + k * batch)
 * @param checkpointTimeMs the batch after which the checkpoint was taken
 * @param statefulOperators stateful operator id to description, to validate the rebuilt graph
 * @param hasState whether a state snapshot was uploaded with this checkpoint
 * @param sourcePositions per input stream id, the source position the checkpoint's state covers
 * @param accumulators committed accumulator states by name
 * @param broadcasts broadcast values by name
 */
public record CheckpointMetadata(int formatVersion, String appName, long batchDurationMs, long zeroTimeMs,
                                 long checkpointTimeMs, TreeMap<String, String> statefulOperators,
                                 boolean hasState, HashMap<Integer, Serializable> sourcePositions,
                                 TreeMap<String, Object> accumulators, TreeMap<String, Object> broadcasts) {

    public static final int FORMAT_VERSION = 1;

    public static CheckpointMetadata of(String appName, long batchMs, long zeroMs, long timeMs,
                                        Map<String, String> stateful, boolean hasState,
                                        Map<Integer, Serializable> positions, Map<String, Object> accumulators,
                                        Map<String, Object> broadcasts) {
        return new CheckpointMetadata(FORMAT_VERSION, appName, batchMs, zeroMs, timeMs, new TreeMap<>(stateful),
                hasState, new HashMap<>(positions), new TreeMap<>(accumulators), new TreeMap<>(broadcasts));
    }
}
