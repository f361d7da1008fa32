package io.sluice.examples.ported;

import static io.sluice.examples.ported.PortedExamplesTestKit.BATCH;
import static io.sluice.examples.ported.PortedExamplesTestKit.BATCH_TIMEOUT;
import static io.sluice.examples.ported.PortedExamplesTestKit.at;
import static io.sluice.examples.ported.PortedExamplesTestKit.batchesOf;
import static io.sluice.examples.ported.PortedExamplesTestKit.manualConf;
import static io.sluice.examples.ported.PortedExamplesTestKit.runBatches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.StreamingContext;
import io.sluice.Time;
import io.sluice.examples.ported.PortedExamplesTestKit.CapturedOut;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class JavaNetworkWordCountTest {

    @Test
    void printsTheWordCountsOfEveryBatch() throws Exception {
        try (CapturedOut out = new CapturedOut();
             StreamingContext ssc = new StreamingContext(manualConf("JavaNetworkWordCountTest"), BATCH)) {
            JavaNetworkWordCount.countWords(ssc.queueStream(batchesOf(ssc, List.of(
                    List.of("hello world", "hello"),
                    List.of(),
                    List.of("a b a")))));
            ssc.start();
            runBatches(ssc, 3);

            assertEquals(Map.of(
                    at(1), List.of("(hello,2)", "(world,1)"),
                    at(2), List.of(),
                    at(3), List.of("(a,2)", "(b,1)")), out.printedBatches());
        }
    }

    /**
     * The unchanged main(host, port) against a TCP server on 127.0.0.1, on the manual clock set
     * through a system property (SluiceConf reads the sluice.* system properties). The receiver
     * reads on its own thread, so a line lands in whichever batch follows its arrival: the test
     * checks that the batches together count every word exactly once.
     */
    @Test
    void mainCountsTheWordsReadFromASocket() throws Exception {
        List<String> lines = List.of("to be or not to be", "that is the question", "to be");
        Map<String, Integer> expected = new TreeMap<>(Map.of("to", 3, "be", 3, "or", 1, "not", 1,
                "that", 1, "is", 1, "the", 1, "question", 1));
        Map<String, String> props = Map.of("sluice.streaming.clock", "manual", "sluice.master", "local[2]",
                "sluice.streaming.receiverRestartDelay", "100ms");
        Map<String, String> saved = new TreeMap<>();
        props.forEach((k, v) -> {
            String old = System.getProperty(k);
            if (old != null) {
                saved.put(k, old);
            }
            System.setProperty(k, v);
        });
        AtomicReference<Throwable> mainError = new AtomicReference<>();
        CountDownLatch written = new CountDownLatch(1);
        try (CapturedOut out = new CapturedOut();
             ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread serverThread = new Thread(() -> {
                try (Socket s = server.accept()) {
                    Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
                    for (String line : lines) {
                        w.write(line + "\n");
                    }
                    w.flush();
                    written.countDown();
                    s.getInputStream().read();     // keep the connection open until the client goes
                } catch (Exception e) {
                    // the test closed the server
                }
            }, "test-line-server");
            serverThread.setDaemon(true);
            serverThread.start();
            Thread main = new Thread(() -> {
                try {
                    JavaNetworkWordCount.main(new String[] {"127.0.0.1", String.valueOf(server.getLocalPort())});
                } catch (Throwable e) {
                    mainError.set(e);
                }
            }, "JavaNetworkWordCount.main");
            main.start();
            StreamingContext ssc = awaitActiveContext();
            try {
                assertTrue(written.await(10, TimeUnit.SECONDS), "the receiver connected and the lines were written");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!sum(out.printedBatches()).equals(expected) && System.nanoTime() < deadline) {
                    Time t = ssc.manualClock().advance(BATCH);
                    assertTrue(ssc.awaitBatchCompletion(t, BATCH_TIMEOUT));
                    Thread.sleep(20);
                }
                assertEquals(expected, sum(out.printedBatches()));
                runBatches(ssc, 3);
                assertEquals(expected, sum(out.printedBatches()), "nothing is counted twice");
            } finally {
                ssc.stop();
            }
            main.join(10_000);
            assertFalse(main.isAlive(), "main returned once the context stopped");
            assertNull(mainError.get(), "main threw");
        } finally {
            props.keySet().forEach(System::clearProperty);
            saved.forEach(System::setProperty);
        }
    }

    private static StreamingContext awaitActiveContext() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Optional<StreamingContext> active = StreamingContext.getActive();
            if (active.isPresent()) {
                return active.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("main did not start a context within 20 s");
    }

    /** The counts of all printed batches added up. */
    private static Map<String, Integer> sum(Map<Long, List<String>> batches) {
        Map<String, Integer> total = new TreeMap<>();
        batches.values().forEach(records -> records.forEach(r -> {
            String[] kv = r.substring(1, r.length() - 1).split(",");
            total.merge(kv[0], Integer.parseInt(kv[1]), Integer::sum);
        }));
        return total;
    }
}
