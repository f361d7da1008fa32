package io.sluice.benchmarks.endtoend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The input of the end-to-end benchmarks: deterministic lines of about 100 bytes, 10 words
 * each, emitted at an offered rate that the benchmark changes while the pipeline runs.
 *
 * <p>Lines come from a fixed pool built from a seeded random generator over a vocabulary of
 * {@link #VOCABULARY_SIZE} words, so every run and both engines see the same input and the
 * source itself costs next to nothing (a line is a reference into the pool).
 *
 * <p>Pacing: {@link #pump} runs on a receiver's thread. Every {@code chunkMillis} it hands the
 * receiver, as one block, every line that the schedule says is due by now. The schedule is a
 * sequence of segments, one per {@link #setRate} call: line {@code i} of a segment that starts
 * at wall time {@code t0} with rate {@code r} is due at {@code t0 + (i - first) / r}. That due
 * time is the line's creation time for latency: a receiver that blocks in {@code store} (a
 * slow write-ahead log) does not hide its delay, it shows up as latency and as
 * {@link #lagLines() lag}. A rate change starts a new segment at the next line, forgiving the
 * lag of the previous one.
 *
 * <p>Thread-safety: one thread pumps; {@link #setRate}, {@link #lagLines} and
 * {@link #creationTimeMs} may be called from any thread.
 */
public final class LineSource {
    /** Words in one line. */
    public static final int WORDS_PER_LINE = 10;
    /** Distinct words; a word count has at most this many keys. */
    public static final int VOCABULARY_SIZE = 10_000;
    private static final int POOL_SIZE = 1 << 16;
    private static final LineSource SHARED = new LineSource(42);

    private final String[] pool;
    private final CopyOnWriteArrayList<Segment> segments = new CopyOnWriteArrayList<>();
    private volatile double pendingRate = -1;
    private volatile long emitted;
    private volatile Segment current = new Segment(0, System.currentTimeMillis(), System.nanoTime(), 0);

    private record Segment(long firstLine, long startWallMs, long startNanos, double rate) {
        long dueBy(long nanos) {
            return rate <= 0 ? firstLine : firstLine + (long) ((nanos - startNanos) * rate / 1e9);
        }
    }

    /** A source whose pool is generated from {@code seed}. */
    public LineSource(long seed) {
        Random random = new Random(seed);
        String[] vocabulary = new String[VOCABULARY_SIZE];
        for (int i = 0; i < vocabulary.length; i++) {
            // 6 to 12 letters, 9 on average: 10 words and 9 spaces make about 100 bytes.
            char[] w = new char[6 + random.nextInt(7)];
            for (int j = 0; j < w.length; j++) {
                w[j] = (char) ('a' + random.nextInt(26));
            }
            vocabulary[i] = new String(w);
        }
        pool = new String[POOL_SIZE];
        StringBuilder sb = new StringBuilder(128);
        for (int i = 0; i < pool.length; i++) {
            sb.setLength(0);
            for (int k = 0; k < WORDS_PER_LINE; k++) {
                if (k > 0) {
                    sb.append(' ');
                }
                sb.append(vocabulary[random.nextInt(vocabulary.length)]);
            }
            pool[i] = sb.toString();
        }
        segments.add(current);
    }

    /** The JVM-wide source that in-process receivers of both engines pump from. */
    public static LineSource shared() {
        return SHARED;
    }

    /** Line {@code i} of the infinite deterministic sequence. */
    public String line(long i) {
        return pool[(int) (i & (POOL_SIZE - 1))];
    }

    /** The first {@code n} lines of the sequence, for queue streams. */
    public List<String> lines(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(line(i));
        }
        return out;
    }

    /** The average line length in bytes (ASCII). */
    public double averageLineBytes() {
        return Arrays.stream(pool).mapToInt(String::length).average().orElse(0);
    }

    /** Asks the pump to emit {@code linesPerSecond} from now on (0 pauses it). */
    public void setRate(double linesPerSecond) {
        if (linesPerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0, got " + linesPerSecond);
        }
        pendingRate = linesPerSecond;
    }

    /** Lines handed to the receiver so far. */
    public long emitted() {
        return emitted;
    }

    /** How many lines the current segment's schedule is ahead of what was emitted. */
    public long lagLines() {
        Segment s = current;
        return Math.max(0, s.dueBy(System.nanoTime()) - emitted);
    }

    /** The scheduled creation time (wall clock, ms, fractional) of line {@code index}. */
    public double creationTimeMs(long index) {
        // Binary search for the last segment starting at or before index.
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).firstLine <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Segment s = segments.get(lo);
        return s.rate <= 0 ? s.startWallMs : s.startWallMs + (index - s.firstLine) * 1000.0 / s.rate;
    }

    /**
     * Emits due lines to {@code store} until {@code stopped} is true: one call per
     * {@code chunkMillis} at most, each with at most four chunks' worth of lines (so that a slow
     * sink does not make the source buffer without bound; the rest stays due and counts as lag).
     */
    public void pump(BooleanSupplier stopped, long chunkMillis, Consumer<List<String>> store) {
        long chunkNanos = chunkMillis * 1_000_000L;
        long next = System.nanoTime();
        while (!stopped.getAsBoolean()) {
            double pending = pendingRate;
            if (pending >= 0) {
                pendingRate = -1;
                Segment s = new Segment(emitted, System.currentTimeMillis(), System.nanoTime(), pending);
                segments.add(s);
                current = s;
            }
            Segment s = current;
            long now = System.nanoTime();
            long due = s.dueBy(now) - emitted;
            long cap = Math.max(1, (long) (s.rate * chunkMillis / 1000.0) * 4);
            int n = (int) Math.min(Math.min(due, cap), Integer.MAX_VALUE - 8);
            if (n > 0) {
                List<String> block = new ArrayList<>(n);
                long first = emitted;
                for (int i = 0; i < n; i++) {
                    block.add(line(first + i));
                }
                store.accept(block);
                emitted = first + n;
            }
            next += chunkNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                LockSupport.parkNanos(sleep);
            } else {
                next = System.nanoTime();
            }
        }
    }
}
