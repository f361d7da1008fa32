package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record type the serializer cannot handle fails the context at the first batch, with a
 * message naming the type and the fix, instead of a receiver restarting forever or a
 * surprise at recovery.
 */
class UnserializableRecordTest {

    /** Holds a thread: no serializer can write it. */
    record Holder(String name, Thread thread) {
    }

    @Test
    void unserializableRecordsStopTheContextWithAClearMessage(@TempDir Path dir) throws Exception {
        SluiceConf conf = new SluiceConf(false).setMaster("local[1]").setAppName("unserializable")
                .set("sluice.streaming.clock", "manual")
                .set("sluice.streaming.writeAheadLog.durability", "process");
        TestReceiver<Holder> receiver = new TestReceiver<>();
        try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
            ssc.checkpoint(dir.toString());
            ssc.receiverStream(receiver).foreachRDD(rdd -> rdd.count());
            ssc.start();
            receiver.awaitStarted();
            receiver.store(new Holder("a", Thread.currentThread()));
            Time t = ssc.manualClock().advance(Duration.ofSeconds(1));
            SluiceException e = assertThrows(SluiceException.class, () -> ssc.awaitBatchCompletion(t, Duration.ofSeconds(20)));
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains("Thread"), message);
            assertTrue(message.contains("sluice.kryo.registrator"), message);
        }
        TestReceiver<Holder> reliable = new TestReceiver<>();
        try (StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1))) {
            ssc.checkpoint(dir.resolve("b").toString());
            ssc.receiverStream(reliable).foreachRDD(rdd -> rdd.count());
            ssc.start();
            reliable.awaitStarted();
            SluiceException atStore = assertThrows(SluiceException.class,
                    () -> reliable.store(List.of(new Holder("b", Thread.currentThread()))));
            assertTrue(atStore.getMessage().contains("sluice.kryo.registrator"), atStore.getMessage());
            // The context stops with the error rather than restarting the receiver forever.
            SluiceException stopped = assertThrows(SluiceException.class, () -> ssc.awaitTerminationOrTimeout(20_000));
            assertTrue(stopped.getMessage().contains("Thread"), stopped.getMessage());
            assertEquals(StreamingContextState.STOPPED, ssc.getState());
        }
    }
}
