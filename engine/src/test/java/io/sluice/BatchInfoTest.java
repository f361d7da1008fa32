package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Batch events: submitted, started, completed, in that order, with the right records and delays. */
class BatchInfoTest {
    private static final Duration BATCH = Duration.ofSeconds(1);

    private record Event(String kind, BatchInfo info) {
    }

    @Test
    void batchEventsCarryRecordsAndConsistentDelays() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        CountDownLatch twoCompleted = new CountDownLatch(2);
        TestReceiver<String> a = new TestReceiver<>();
        TestReceiver<String> b = new TestReceiver<>();
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("batch-info")
                .set("sluice.streaming.clock", "manual");
        try (StreamingContext ssc = new StreamingContext(conf, BATCH)) {
            ssc.addStreamingListener(new StreamingListener() {
                @Override
                public void onBatchSubmitted(BatchInfo batch) {
                    events.add(new Event("submitted", batch));
                }

                @Override
                public void onBatchStarted(BatchInfo batch) {
                    events.add(new Event("started", batch));
                }

                @Override
                public void onBatchCompleted(BatchInfo batch) {
                    events.add(new Event("completed", batch));
                    twoCompleted.countDown();
                }
            });
            ssc.receiverStream(a).union(ssc.receiverStream(b)).foreachRDD(rdd -> {
                rdd.count();
                Thread.sleep(50);   // the batch's processing takes at least 50 ms
            });
            ssc.start();
            a.awaitStarted();
            b.awaitStarted();
            a.store(List.of("1", "2", "3"));
            b.store(List.of("4", "5"));
            b.store(List.of("6", "7"));
            Time t1 = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t1, Duration.ofSeconds(20)));
            Time t2 = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t2, Duration.ofSeconds(20)));
            assertTrue(twoCompleted.await(20, TimeUnit.SECONDS));
        }
        assertEquals(List.of("submitted", "started", "completed", "submitted", "started", "completed"),
                events.stream().map(Event::kind).toList());
        long[] expectedRecords = {7, 0};
        for (int batch = 0; batch < 2; batch++) {
            BatchInfo submitted = events.get(3 * batch).info();
            BatchInfo started = events.get(3 * batch + 1).info();
            BatchInfo completed = events.get(3 * batch + 2).info();
            long timeMs = 1000L * (batch + 1);
            for (BatchInfo i : List.of(submitted, started, completed)) {
                assertEquals(timeMs, i.batchTime().milliseconds());
                assertEquals(expectedRecords[batch], i.numRecords(), "records of batch " + timeMs);
                assertEquals(submitted.submissionTimeMs(), i.submissionTimeMs());
            }
            assertEquals(Optional.empty(), submitted.schedulingDelay(), "not started when submitted");
            assertEquals(Optional.empty(), submitted.processingDelay());
            assertEquals(Optional.empty(), started.processingDelay(), "not ended when started");
            long scheduling = started.schedulingDelay().orElseThrow();
            assertTrue(scheduling >= 0, "scheduling delay " + scheduling);
            assertEquals(Optional.of(scheduling), completed.schedulingDelay());
            assertEquals(started.processingStartTimeMs(), completed.processingStartTimeMs());
            long processing = completed.processingDelay().orElseThrow();
            assertTrue(processing >= 50, "processing delay " + processing + " covers the 50 ms job");
            assertEquals(Optional.of(scheduling + processing), completed.totalDelay());
            assertEquals(Optional.empty(), completed.failure());
        }
    }
}
