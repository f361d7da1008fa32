package io.sluice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sluice.internal.SluiceEnv;
import io.sluice.internal.storage.serde.Serializer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's own types are registered with Kryo: stored without their class names. */
class EngineSerializationTest {

    @Test
    void engineTypesRoundTripWithoutClassNames() {
        try (SluiceEnv env = new SluiceEnv(new SluiceConf(false).setMaster("local[1]"))) {
            Serializer ser = env.serializer();
            Tuple2<String, Integer> t = new Tuple2<>("word", 3);
            byte[] bytes = ser.serialize(t);
            assertEquals(t, ser.deserialize(bytes));
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("Tuple2"), "the class name is written: " + text);
            List<Tuple2<String, Integer>> block = List.of(t, new Tuple2<>("other", 1));
            assertEquals(block, ser.deserializeBlock(ser.serializeBlock(block)));
            assertEquals(new Time(1000), ser.deserialize(ser.serialize(new Time(1000))));
        }
    }
}
