package io.sluice.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinesProbeTest {

    @Test
    void aBatchGetsTheLinesCountedSinceThePreviousBatch() {
        // The probe is JVM-wide: settle what earlier tests counted first.
        LinesProbe.batchDone(-1);
        LinesProbe.linesOf(-1);
        for (int i = 0; i < 7; i++) {
            LinesProbe.line();
        }
        LinesProbe.batchDone(1000);
        LinesProbe.batchDone(2000);
        for (int i = 0; i < 3; i++) {
            LinesProbe.line();
        }
        LinesProbe.batchDone(3000);
        assertEquals(7, LinesProbe.linesOf(1000));
        assertEquals(0, LinesProbe.linesOf(2000), "a batch that found the queue empty processed nothing");
        assertEquals(3, LinesProbe.linesOf(3000));
        assertEquals(0, LinesProbe.linesOf(1000), "a batch is reported once");
        assertEquals(0, LinesProbe.linesOf(4000), "an unknown batch processed nothing");
    }
}
