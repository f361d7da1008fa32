package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * stop(true) processes every record the receivers stored before it returns, within
 * {@code sluice.streaming.gracefulStopTimeout}; past it, it stops without the rest.
 */
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

    @Test
    void aGracefulStopGivesUpOnABatchThatOutlivesItsTimeout() throws Exception {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("graceful-timeout")
                .set("sluice.streaming.blockInterval", "50ms")
                .set("sluice.streaming.gracefulStopTimeout", "300ms");
        TestReceiver<Integer> receiver = new TestReceiver<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(200));
        ssc.receiverStream(receiver).foreachRDD(rdd -> {
            if (rdd.count() > 0) {
                running.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted by the stop", e);
                }
            }
        });
        ssc.start();
        receiver.awaitStarted();
        receiver.store(List.of(1, 2, 3));
        if (!running.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the batch with the stored records never ran");
        }
        ssc.stop(true);     // returns once the 300 ms are up, not after the default 10 s
        assertEquals(true, interrupted.get(), "the stuck batch must be interrupted once the timeout expired");
        assertEquals(StreamingContextState.STOPPED, ssc.getState());
    }
}
