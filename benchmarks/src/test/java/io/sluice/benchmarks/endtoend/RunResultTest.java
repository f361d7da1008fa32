package io.sluice.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultTest {

    @Test
    void aResultSurvivesTheTripThroughItsFile(@TempDir Path dir) throws Exception {
        RunResult r = new RunResult();
        r.put("sustainedLinesPerSec", 123456).put("workload", "receiver-word-count");
        r.addTrial(new RunResult.Trial(200000, false, "batch 1 processed in 1200 ms | late", 3, 190000.5, 900, 1200, -1, -1));
        r.addTrial(new RunResult.Trial(100000, true, "ok", 4, 99999, 400, 600, 850.25, 1400));
        r.note("search stopped by its time budget");
        Path f = dir.resolve("r.properties");
        r.write(f);

        RunResult back = RunResult.read(f);
        assertEquals(123456, back.number("sustainedLinesPerSec"));
        assertEquals("receiver-word-count", back.get("workload"));
        assertEquals(2, back.trials().size());
        assertEquals(r.trials().get(1), back.trials().get(1));
        assertEquals("batch 1 processed in 1200 ms / late", back.trials().get(0).reason());
        assertEquals(r.notes(), back.notes());
    }

    @Test
    void aSpecSurvivesTheTripThroughItsArguments() {
        RunSpec s = new RunSpec("spark", Workload.WINDOWED_COUNT, 500, true, 3, 50000, 20, Path.of("data"),
                Path.of("out.properties"));
        assertEquals(s, RunSpec.parse(s.toArgs()));
        assertEquals(200, s.blockIntervalMs());
        assertEquals(50, new RunSpec("sluice", Workload.RECEIVER_WORD_COUNT, 100, false, 3, 1, 1, Path.of("d"),
                Path.of("o")).blockIntervalMs());
    }

    @Test
    void jsonEscapesAndFormats() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("a", "x\"y");
        m.put("b", java.util.List.of(1.0, 2.5));
        assertEquals("{\n  \"a\": \"x\\\"y\",\n  \"b\": [\n    1,\n    2.5\n  ]\n}\n", Json.write(m));
    }
}
