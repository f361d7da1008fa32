package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueStreamWordCountTest {

    static SluiceConf manualConf() {
        return new SluiceConf(false).setMaster("local[2]").setAppName("test")
                .set("sluice.streaming.clock", "manual");
    }

    @Test
    void reduceByKeyCountsEachBatch() throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), Duration.ofSeconds(1))) {
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            Map<Long, Map<String, Integer>> out = new ConcurrentHashMap<>();
            ssc.queueStream(q)
                    .flatMap(l -> Arrays.asList(l.split(" ")).iterator())
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .reduceByKey(Integer::sum)
                    .foreachRDD((rdd, t) -> out.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
            q.add(ssc.parallelize(List.of("a b a", "c a"), 2));
            q.add(ssc.parallelize(List.of("b"), 1));
            ManualClock clock = ssc.manualClock();
            ssc.start();
            Time t1 = clock.advance(Duration.ofSeconds(1));
            assertTrue(ssc.awaitBatchCompletion(t1, Duration.ofSeconds(10)));
            Time t2 = clock.advance(Duration.ofSeconds(1));
            assertTrue(ssc.awaitBatchCompletion(t2, Duration.ofSeconds(10)));
            assertEquals(Map.of("a", 3, "b", 1, "c", 1), out.get(1000L));
            assertEquals(Map.of("b", 1), out.get(2000L));
        }
    }

    @Test
    void updateStateByKeyAccumulatesAcrossBatches(@TempDir Path dir) throws Exception {
        try (StreamingContext ssc = new StreamingContext(manualConf(), Duration.ofSeconds(1))) {
            ssc.checkpoint(dir.resolve("cp").toString());
            Queue<RDD<String>> q = new ConcurrentLinkedQueue<>();
            Map<Long, Map<String, Integer>> out = new ConcurrentHashMap<>();
            ssc.queueStream(q)
                    .mapToPair(w -> new Tuple2<>(w, 1))
                    .updateStateByKey((List<Integer> vals, Optional<Integer> s) -> {
                        int sum = s.orElse(0);
                        for (int v : vals) {
                            sum += v;
                        }
                        return Optional.of(sum);
                    })
                    .foreachRDD((rdd, t) -> out.put(t.milliseconds(), new HashMap<>(PairRDD.fromRDD(rdd).collectAsMap())));
            q.add(ssc.parallelize(List.of("a", "b", "a"), 2));
            q.add(ssc.parallelize(List.of("b", "c"), 2));
            ManualClock clock = ssc.manualClock();
            ssc.start();
            List<Time> times = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                times.add(clock.advance(Duration.ofSeconds(1)));
            }
            assertTrue(ssc.awaitBatchCompletion(times.get(2), Duration.ofSeconds(10)));
            assertEquals(Map.of("a", 2, "b", 1), out.get(1000L));
            assertEquals(Map.of("a", 2, "b", 2, "c", 1), out.get(2000L));
            assertEquals(Map.of("a", 2, "b", 2, "c", 1), out.get(3000L));
        }
    }
}
