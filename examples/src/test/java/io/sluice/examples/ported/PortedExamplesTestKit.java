package io.sluice.examples.ported;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.RDD;
import io.sluice.SluiceConf;
import io.sluice.StreamingContext;
import io.sluice.Time;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the tests of the ported examples share: a manual-clock configuration, a queue of input
 * batches, a loop that runs batches one by one, and a capture of standard output with parsers
 * for what the examples print.
 */
final class PortedExamplesTestKit {
    static final Duration BATCH = Duration.ofSeconds(1);
    static final Duration BATCH_TIMEOUT = Duration.ofSeconds(30);
    private static final String DASHES = "-------------------------------------------";
    private static final Pattern TIME_LINE = Pattern.compile("Time: (\\d+) ms");
    private static final Pattern LABELLED_LINE = Pattern.compile("(.+) at (\\d+) ms: \\[(.*)]");

    private PortedExamplesTestKit() {
    }

    /** Two task threads and the manual clock: batches run only when a test advances the clock. */
    static SluiceConf manualConf(String appName) {
        return new SluiceConf(false).setMaster("local[2]").setAppName(appName)
                .set("sluice.streaming.clock", "manual");
    }

    /** A queue holding one RDD per batch (batch i gets {@code batches.get(i - 1)}), in 2 partitions. */
    static Queue<RDD<String>> batchesOf(StreamingContext ssc, List<List<String>> batches) {
        Queue<RDD<String>> queue = new ConcurrentLinkedQueue<>();
        for (List<String> lines : batches) {
            queue.add(ssc.parallelize(lines, 2));
        }
        return queue;
    }

    /** Advances the clock batch by batch {@code n} times, waiting for every batch to complete. */
    static void runBatches(StreamingContext ssc, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Time t = ssc.manualClock().advance(BATCH);
            assertTrue(ssc.awaitBatchCompletion(t, BATCH_TIMEOUT), "batch " + t + " did not complete in time");
        }
    }

    /** Copies everything written to System.out, until closed, while still writing it through. */
    static final class CapturedOut implements AutoCloseable {
        private final PrintStream original = System.out;
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        CapturedOut() {
            OutputStream tee = new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (copy) {
                        copy.write(b);
                    }
                    original.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (copy) {
                        copy.write(b, off, len);
                    }
                    original.write(b, off, len);
                }

                @Override
                public void flush() {
                    original.flush();
                }
            };
            System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
        }

        String text() {
            System.out.flush();
            synchronized (copy) {
                return copy.toString(StandardCharsets.UTF_8);
            }
        }

        List<String> lines() {
            return Arrays.asList(text().split("\n", -1));
        }

        /**
         * What {@code print()} printed, by batch time: the records of each block, sorted (the
         * order of a batch's records depends on its partitions, in Spark as in Sluice).
         */
        Map<Long, List<String>> printedBatches() {
            List<String> lines = lines();
            Map<Long, List<String>> out = new TreeMap<>();
            for (int i = 1; i + 1 < lines.size(); i++) {
                Matcher m = TIME_LINE.matcher(lines.get(i));
                if (m.matches() && lines.get(i - 1).equals(DASHES) && lines.get(i + 1).equals(DASHES)) {
                    List<String> records = new ArrayList<>();
                    for (int j = i + 2; j < lines.size() && !lines.get(j).isEmpty(); j++) {
                        records.add(lines.get(j));
                    }
                    Collections.sort(records);
                    out.put(Long.parseLong(m.group(1)), records);
                }
            }
            return out;
        }

        /**
         * The lines {@code <label> at <time> ms: [<items>]} with this label, by time: the items of
         * each, sorted.
         */
        Map<Long, List<String>> labelled(String label) {
            Map<Long, List<String>> out = new TreeMap<>();
            for (String line : lines()) {
                Matcher m = LABELLED_LINE.matcher(line);
                if (m.matches() && m.group(1).equals(label)) {
                    out.put(Long.parseLong(m.group(2)), items(m.group(3)));
                }
            }
            return out;
        }

        @Override
        public void close() {
            System.out.flush();
            System.setOut(original);
        }
    }

    /** The items of a printed list such as {@code (a,1), (b,(2,x))}, sorted. */
    static List<String> items(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(list.substring(start, i).trim());
                start = i + 1;
            }
        }
        if (!list.isBlank()) {
            out.add(list.substring(start).trim());
        }
        Collections.sort(out);
        return out;
    }

    /** {@code t} seconds, as the batch time in milliseconds. */
    static long at(int seconds) {
        return seconds * 1000L;
    }
}
