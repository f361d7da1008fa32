package io.sluice.internal.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.sluice.RDD;
import io.sluice.SluiceConf;
import io.sluice.internal.SluiceEnv;
import io.sluice.internal.receiver.InputPlan;
import io.sluice.internal.storage.serde.Serializer;
import io.sluice.kafka.KafkaUtils;
import io.sluice.kafka.OffsetRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a direct Kafka stream logs and checkpoints survives the engine's serializer unchanged, and
 * the offset ranges of a batch can be found behind the transformations that keep its partitions.
 * No broker: nothing here reads records.
 */
class KafkaPlanTest {
    private static SluiceEnv env;

    @BeforeAll
    static void env() {
        env = new SluiceEnv(new SluiceConf(false).setMaster("local[2]"));
    }

    @AfterAll
    static void close() {
        env.close();
    }

    @Test
    void plansAndPositionsRoundTripThroughTheEngineSerializer() {
        Serializer s = env.serializer();
        qt().withExamples(200)
                .forAll(lists().of(integers().between(0, 5)).ofSizeBetween(0, 12),
                        lists().of(longs().between(0, Long.MAX_VALUE / 4)).ofSize(12),
                        lists().of(longs().between(0, 1_000_000)).ofSize(12))
                .checkAssert((partitions, froms, lengths) -> {
                    Map<TopicPartition, Long> next = new LinkedHashMap<>();
                    List<OffsetRange> ranges = new ArrayList<>();
                    for (int i = 0; i < partitions.size(); i++) {
                        TopicPartition tp = new TopicPartition("t-" + (i % 3), partitions.get(i));
                        OffsetRange r = OffsetRange.create(tp, froms.get(i), froms.get(i) + lengths.get(i));
                        ranges.add(r);
                        next.put(tp, r.untilOffset());
                    }
                    KafkaBatchPlan plan = new KafkaBatchPlan(ranges.toArray(new OffsetRange[0]));
                    KafkaPosition position = KafkaPosition.of(next);
                    InputPlan logged = new InputPlan(plan, position, plan.count());
                    InputPlan back = s.deserialize(s.serialize(logged));
                    assertEquals(logged, back);
                    assertEquals(next, ((KafkaPosition) back.positionAfter()).toMap());
                });
    }

    @Test
    void offsetRangesAreFoundBehindNarrowTransformationsAndCaching() {
        OffsetRange[] ranges = {OffsetRange.create("t", 0, 3, 9), OffsetRange.create("t", 1, 0, 0)};
        TaskConsumers<String, String> consumers = new TaskConsumers<>(Map.of("bootstrap.servers", "127.0.0.1:1"),
                java.time.Duration.ofSeconds(1));
        KafkaRDD<String, String> rdd = new KafkaRDD<>(env, ranges, consumers);
        assertArrayEquals(ranges, rdd.offsetRanges());
        RDD<String> derived = rdd.map(ConsumerRecord::value).cache().filter(v -> !v.isEmpty());
        assertArrayEquals(ranges, KafkaUtils.offsetRanges(derived));
        // A shuffle, even into as many partitions, no longer maps partition i to range i.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaUtils.offsetRanges(rdd.map(ConsumerRecord::value).repartition(2)));
        assertEquals(true, e.getMessage().contains("foreachRDD or transform"), e.getMessage());
        // Nothing was read: an empty range needs no consumer, and this one is never asked for records.
        assertEquals(0, rdd.compute(1).hasNext() ? 1 : 0);
        consumers.close();
    }

    @Test
    void invalidRangesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> OffsetRange.create("t", 0, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> OffsetRange.create("t", 0, -1, 4));
        assertEquals(4, OffsetRange.create("t", 0, 5, 9).count());
    }
}
