package io.sluice.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link WordCountBatchBenchmark}'s batch and its plain-loop baseline, timed in CPU time of the
 * whole process (task threads, garbage collector, compiler) as well as wall time, one batch and
 * one loop after the other: on a machine shared with other work, wall time measures the
 * neighbours, while CPU time per batch, and its ratio to the loop's measured beside it, measures
 * the engine. Prints the minimum and the median over the measured rounds.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.sluice.benchmarks.WordCountBatchCpu [rounds, default 40] [lines, default 200000]}.
 */
public final class WordCountBatchCpu {
    private WordCountBatchCpu() {
    }

    /** Warms up for 30 rounds, then measures {@code rounds} rounds. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        WordCountBatchBenchmark b = new WordCountBatchBenchmark();
        b.lines = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        b.prepare();
        try {
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int i = 0; i < 30; i++) {
                b.batch();
                b.baselineLoop();
            }
            double[] batchCpu = new double[rounds];
            double[] batchWall = new double[rounds];
            double[] loopCpu = new double[rounds];
            double[] loopWall = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                long c0 = os.getProcessCpuTime();
                long w0 = System.nanoTime();
                b.batch();
                long c1 = os.getProcessCpuTime();
                long w1 = System.nanoTime();
                b.baselineLoop();
                long c2 = os.getProcessCpuTime();
                long w2 = System.nanoTime();
                batchCpu[i] = (c1 - c0) / 1e6;
                batchWall[i] = (w1 - w0) / 1e6;
                loopCpu[i] = (c2 - c1) / 1e6;
                loopWall[i] = (w2 - w1) / 1e6;
            }
            System.out.printf(Locale.ROOT, "%d lines, %d rounds (min / median ms)%n", b.lines, rounds);
            System.out.printf(Locale.ROOT, "  batch on local[2]: cpu %s, wall %s%n", minMedian(batchCpu), minMedian(batchWall));
            System.out.printf(Locale.ROOT, "  plain loop:        cpu %s, wall %s%n", minMedian(loopCpu), minMedian(loopWall));
        } finally {
            b.close();
        }
        System.exit(0);
    }

    private static String minMedian(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return String.format(Locale.ROOT, "%.0f / %.0f", v[0], v[v.length / 2]);
    }
}
