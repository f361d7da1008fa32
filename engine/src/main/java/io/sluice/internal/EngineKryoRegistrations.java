package io.sluice.internal;

import com.esotericsoftware.kryo.Kryo;
import io.sluice.Time;
import io.sluice.Tuple2;
import io.sluice.internal.receiver.InputPlan;
import io.sluice.internal.receiver.ReceivedBlockInfo;
import io.sluice.internal.receiver.TrackerEvent;
import io.sluice.internal.recovery.CheckpointMetadata;
import io.sluice.internal.state.StoredState;
import io.sluice.internal.storage.wal.WalHandle;
import java.util.List;
import java.util.function.Consumer;

/**
 * Kryo registrations of the engine's own types, with fixed ids, so their stored bytes carry a
 * small id instead of a class name (a Tuple2 record or a state value is written without its
 * 16-byte class name). The list is append-only: ids are part of the stored format (WAL blocks,
 * state values, checkpoints); changing or removing one needs a new format version.
 */
public final class EngineKryoRegistrations implements Consumer<Kryo> {
    /** First id of the engine's range (the storage layer's JDK registrations start at 20). */
    static final int FIRST_ID = 100;

    private static final List<Class<?>> TYPES = List.of(
            Tuple2.class,                       // 100
            Time.class,                         // 101
            WalHandle.class,                    // 102
            ReceivedBlockInfo.class,            // 103
            TrackerEvent.BlockAdded.class,      // 104
            TrackerEvent.BatchAllocated.class,  // 105
            StoredState.class,                  // 106
            CheckpointMetadata.class,           // 107
            InputPlan.class);                   // 108

    @Override
    public void accept(Kryo kryo) {
        int id = FIRST_ID;
        for (Class<?> type : TYPES) {
            kryo.register(type, id++);
        }
    }
}
