package io.sluice.internal.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket: the rate holds for any sizes of acquire, rate changes apply to debt, close releases. */
class RateLimiterTest {

    @Test
    void recordsTakeRateSecondsEach() throws Exception {
        FakeTime time = new FakeTime();
        RateLimiter l = new RateLimiter(100, time);
        for (int i = 0; i < 1000; i++) {
            l.acquire(1);
        }
        assertEquals(10.0, time.seconds(), 0.01, "1000 records at 100/s take 10 s");
    }

    /** Invariant: after acquiring n tokens in any chunks, the time passed is n/rate (the bucket starts empty). */
    @Test
    void anySequenceOfChunksTakesTotalOverRate() {
        qt().withExamples(200).forAll(lists().of(integers().between(1, 5_000)).ofSizeBetween(1, 30),
                integers().between(1, 10_000)).checkAssert((chunks, rate) -> {
            FakeTime time = new FakeTime();
            RateLimiter l = new RateLimiter(rate, time);
            long total = 0;
            for (int n : chunks) {
                try {
                    l.acquire(n);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                total += n;
            }
            double expected = total / (double) rate;
            assertEquals(expected, time.seconds(), 1e-3 + expected * 1e-6, chunks + " at " + rate + "/s");
        });
    }

    @Test
    void idleTimeBanksAtMostOneSecondOfTokens() throws Exception {
        FakeTime time = new FakeTime();
        RateLimiter l = new RateLimiter(100, time);
        time.advanceSeconds(60);
        l.acquire(100);
        assertEquals(60.0, time.seconds(), 1e-6, "one second's worth is banked: no wait");
        l.acquire(100);
        assertEquals(61.0, time.seconds(), 0.01, "but not more than one second's worth");
    }

    /** 100 tokens at 10/s is a 10 s wait; the rate rises to 1000/s after 1 s of it. */
    @Test
    void aRaisedRateRepaysAnOutstandingDebtFaster() throws Exception {
        FakeTime t = new FakeTime();
        RateLimiter[] limiter = new RateLimiter[1];
        TimeSource raisingAfterOneSecond = new TimeSource() {
            @Override
            public long nanoTime() {
                return t.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) {
                t.sleepNanos(nanos);
                if (t.seconds() >= 1.0 && limiter[0].rate() < 1000) {
                    limiter[0].setRate(1000);
                }
            }
        };
        limiter[0] = new RateLimiter(10, raisingAfterOneSecond);
        limiter[0].acquire(100);
        // 1 s at 10/s repays 10 tokens; the other 90 at 1000/s take 0.09 s.
        assertEquals(1.09, t.seconds(), 0.01);
    }

    @Test
    void infiniteRateNeverWaits() throws Exception {
        FakeTime time = new FakeTime();
        RateLimiter l = new RateLimiter(Double.POSITIVE_INFINITY, time);
        assertEquals(0, l.acquire(1_000_000_000L));
        assertEquals(0.0, time.seconds());
        l.setRate(1000);
        l.acquire(1000);
        assertEquals(1.0, time.seconds(), 0.01, "limited after setRate");
    }

    @Test
    void closeReleasesAWaiter() throws Exception {
        RateLimiter l = new RateLimiter(1, TimeSource.SYSTEM);
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong waited = new AtomicLong();
        Thread t = new Thread(() -> {
            try {
                waited.set(l.acquire(1_000_000));   // about 11 days at 1/s
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        t.start();
        l.close();
        assertTrue(done.await(10, TimeUnit.SECONDS), "close released the waiter");
        assertEquals(0, l.acquire(5), "acquire after close returns at once");
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, new FakeTime()));
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(Double.NaN, new FakeTime()));
        RateLimiter l = new RateLimiter(5, new FakeTime());
        assertThrows(IllegalArgumentException.class, () -> l.setRate(-1));
    }
}
