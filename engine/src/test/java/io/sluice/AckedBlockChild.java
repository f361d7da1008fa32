package io.sluice;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Child JVM of {@link AckedBlockSurvivesKillTest}: a context whose receiver stores numbered
 * one-record blocks with their position and prints {@code ACK <n>} after each store returns.
 * Its manual clock never moves, so every block stays waiting (logged, unallocated) until the
 * parent kills the JVM.
 */
public final class AckedBlockChild {
    private AckedBlockChild() {
    }

    static StreamingContext setup(String checkpointDir, Receiver<String> receiver, List<String> sink) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("acked")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        ssc.checkpoint(checkpointDir);
        ssc.receiverStream(receiver).foreachRDD(rdd -> sink.addAll(rdd.collect()));
        return ssc;
    }

    public static void main(String[] args) throws Exception {
        String checkpointDir = args[0];
        Receiver<String> receiver = new Receiver<>(StorageLevel.MEMORY_ONLY) {
            @Override
            public void onStart() {
                Thread t = new Thread(() -> {
                    for (long n = 0; !isStopped(); n++) {
                        store(List.of("r" + n), (Serializable) Long.valueOf(n + 1));
                        System.out.println("ACK " + n);
                        System.out.flush();
                    }
                });
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void onStop() {
            }
        };
        StreamingContext ssc = StreamingContext.getOrCreate(checkpointDir,
                () -> setup(checkpointDir, receiver, new java.util.ArrayList<>()));
        ssc.start();
        ssc.awaitTermination();
    }
}
