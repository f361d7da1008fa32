package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** stop(true) processes every record the receivers stored before it returns. */
class GracefulStopTest {

    @Test
    void gracefulStopProcessesWhatWasReceived() throws Exception {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("graceful")
                .set("sluice.streaming.blockInterval", "50ms");
        TestReceiver<Integer> receiver = new TestReceiver<>();
        AtomicLong processed = new AtomicLong();
        StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(200));
        ssc.receiverStream(receiver).foreachRDD(rdd -> processed.addAndGet(rdd.count()));
        ssc.start();
        receiver.awaitStarted();
        List<Integer> block = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            block.add(i);
        }
        receiver.store(block);                 // durable block
        for (int i = 0; i < 500; i++) {
            receiver.store(i);                  // buffered single records
        }
        ssc.stop(true);
        assertEquals(1500, processed.get(), "records stored before stop(true) must all be processed");
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
    }
}
