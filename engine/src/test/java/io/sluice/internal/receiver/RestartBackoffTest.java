package io.sluice.internal.receiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Restart delays: first * multiplier^(n-1), capped, back to first after a reset. */
class RestartBackoffTest {

    private static List<Long> delays(RestartBackoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.nextDelay().toMillis());
        }
        return out;
    }

    @Test
    void growsGeometricallyUpToTheMax() {
        RestartBackoff b = new RestartBackoff(Duration.ofMillis(100), Duration.ofMillis(1000), 2.0);
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L), delays(b, 6));
        assertEquals(6, b.failuresInARow());
    }

    @Test
    void resetStartsOverAtTheFirstDelay() {
        RestartBackoff b = new RestartBackoff(Duration.ofMillis(100), Duration.ofMillis(1000), 3.0);
        assertEquals(List.of(100L, 300L, 900L), delays(b, 3));
        b.reset();
        assertEquals(List.of(100L, 300L), delays(b, 2));
    }

    @Test
    void multiplierOneIsAConstantDelayAndManyFailuresDoNotOverflow() {
        assertEquals(List.of(50L, 50L, 50L), delays(new RestartBackoff(Duration.ofMillis(50), Duration.ofMinutes(1), 1.0), 3));
        RestartBackoff b = new RestartBackoff(Duration.ofMillis(1), Duration.ofSeconds(5), 10.0);
        delays(b, 5_000);
        assertEquals(5_000L, b.nextDelay().toMillis());
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new RestartBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
        assertThrows(IllegalArgumentException.class, () -> new RestartBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5));
        assertThrows(IllegalArgumentException.class, () -> new RestartBackoff(Duration.ofSeconds(-1), Duration.ofSeconds(2), 2));
    }
}
