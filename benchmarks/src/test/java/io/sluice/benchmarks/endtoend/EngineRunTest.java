package io.sluice.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineRunTest {

    private static RunSpec spec(long batchMs, int n) {
        return new RunSpec("sluice", Workload.RECEIVER_WORD_COUNT, batchMs, true, 3, 20_000, 15,
                Path.of("data-" + n), Path.of("result-" + n + ".properties"));
    }

    @Test
    void specsSeparatedByDashesComeBackInOrder() {
        List<RunSpec> given = List.of(spec(1000, 0), spec(500, 1), spec(100, 2));
        List<String> args = new ArrayList<>();
        for (RunSpec s : given) {
            if (!args.isEmpty()) {
                args.add("--");
            }
            args.addAll(List.of(s.toArgs()));
        }
        assertEquals(given, EngineRun.parse(args.toArray(String[]::new)));
    }

    @Test
    void oneSpecNeedsNoSeparator() {
        assertEquals(List.of(spec(1000, 0)), EngineRun.parse(spec(1000, 0).toArgs()));
    }

    @Test
    void noSpecIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineRun.parse(new String[] {"--"}));
        assertTrue(e.getMessage().contains("no run spec"), e.getMessage());
    }

    @Test
    void aLaterRunStartsFromAnotherRateAndKeepsTheRest() {
        RunSpec s = spec(500, 1).withStartRate(123_456);
        assertEquals(123_456, s.startRate());
        assertEquals(spec(500, 1), s.withStartRate(20_000));
    }
}
