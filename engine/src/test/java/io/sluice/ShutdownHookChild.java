package io.sluice;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child JVM of {@link ShutdownHookTest}. Prints lines the parent reads:
 * <ul>
 *   <li>{@code graceful <checkpointUri> <localDir> <blocks>}: a context with
 *       {@code stopGracefullyOnShutdown} and a checkpoint after every batch, on a
 *       {@link ClosingFileSystem}. Once the first batch completed, its receiver stores
 *       {@code blocks} one-record blocks ({@code ACK <n>} after each store returned) and prints
 *       {@code ACKED-ALL}; every batch prints {@code BATCH <timeMs> total=<records so far>}. The
 *       parent then sends SIGTERM.</li>
 *   <li>{@code during-shutdown}: prints {@code READY}; once SIGTERM has started the JVM's
 *       shutdown (a hook of its own says so), calls {@code start()} and prints
 *       {@code START-REFUSED <message>} or {@code STARTED}, then {@code STATE <state>}; the
 *       receiver prints {@code RECEIVER-STARTED} if it is ever started.</li>
 *   <li>{@code abort-mid-start <dir>}: a context with {@code stopGracefullyOnShutdown} whose
 *       checkpoint directory is on a {@link ShutdownDuringStartFileSystem}: {@code start()}
 *       prints {@code FS-INIT} (the parent sends SIGTERM) and fails once the JVM is exiting;
 *       prints {@code START-FAILED <exception class> <message>} and {@code STATE <state>}.</li>
 * </ul>
 */
public final class ShutdownHookChild {
    private ShutdownHookChild() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "graceful" -> graceful(args[1], args[2], Integer.parseInt(args[3]));
            case "during-shutdown" -> duringShutdown();
            case "abort-mid-start" -> abortMidStart(args[1]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    private static void println(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void graceful(String checkpointUri, String localDir, int blocks) throws Exception {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("shutdown-hook")
                .set("sluice.streaming.stopGracefullyOnShutdown", "true")
                .set("sluice.streaming.checkpoint.interval", "1s")
                .set("sluice.streaming.writeAheadLog.durability", "process")
                .set("sluice.streaming.localDir", localDir);
        StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        ssc.hadoopConfiguration().set("fs." + ClosingFileSystem.SCHEME + ".impl", ClosingFileSystem.class.getName());
        ssc.checkpoint(checkpointUri);
        CountDownLatch firstBatch = new CountDownLatch(1);
        Receiver<String> receiver = new Receiver<>(StorageLevel.MEMORY_ONLY) {
            @Override
            public void onStart() {
                Thread t = new Thread(() -> {
                    try {
                        if (!firstBatch.await(60, TimeUnit.SECONDS)) {
                            println("NO-FIRST-BATCH");
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    // Right after a batch: the blocks wait for the next one, a second away,
                    // which the parent's SIGTERM is meant to beat.
                    for (int n = 0; n < blocks && !isStopped(); n++) {
                        store(List.of("r" + n), (Serializable) Long.valueOf(n + 1));
                        println("ACK " + n);
                    }
                    println("ACKED-ALL");
                }, "shutdown-hook-child-receiver");
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void onStop() {
            }
        };
        AtomicLong total = new AtomicLong();
        ssc.receiverStream(receiver).foreachRDD((rdd, time) -> {
            long n = total.addAndGet(rdd.count());
            println("BATCH " + time.milliseconds() + " total=" + n);
            firstBatch.countDown();
        });
        ssc.start();
        ssc.awaitTermination();
    }

    private static void duringShutdown() throws Exception {
        CountDownLatch shuttingDown = new CountDownLatch(1);
        CountDownLatch attempted = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown.countDown();
            try {
                // Keeps the JVM alive until main has tried to start the context.
                attempted.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "probe-hook"));
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("shutdown-hook");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofMillis(200));
        ssc.receiverStream(new Receiver<String>(StorageLevel.MEMORY_ONLY) {
            @Override
            public void onStart() {
                println("RECEIVER-STARTED");
            }

            @Override
            public void onStop() {
            }
        }).foreachRDD(rdd -> rdd.count());
        println("READY");
        if (!shuttingDown.await(60, TimeUnit.SECONDS)) {
            println("NO-SHUTDOWN");
            return;
        }
        try {
            ssc.start();
            println("STARTED");
        } catch (IllegalStateException e) {
            println("START-REFUSED " + e.getMessage());
        }
        println("STATE " + ssc.getState());
        attempted.countDown();
    }

    private static void abortMidStart(String dir) {
        SluiceConf conf = new SluiceConf(false).setMaster("local[2]").setAppName("shutdown-hook")
                .set("sluice.streaming.stopGracefullyOnShutdown", "true")
                .set("sluice.streaming.localDir", dir + "/local");
        StreamingContext ssc = new StreamingContext(conf, Duration.ofSeconds(1));
        ssc.hadoopConfiguration().set("fs." + ShutdownDuringStartFileSystem.SCHEME + ".impl",
                ShutdownDuringStartFileSystem.class.getName());
        ssc.hadoopConfiguration().setBoolean("fs." + ShutdownDuringStartFileSystem.SCHEME + ".impl.disable.cache", true);
        ssc.checkpoint(ShutdownDuringStartFileSystem.SCHEME + "://" + dir + "/checkpoint");
        ssc.receiverStream(new Receiver<String>(StorageLevel.MEMORY_ONLY) {
            @Override
            public void onStart() {
                println("RECEIVER-STARTED");
            }

            @Override
            public void onStop() {
            }
        }).foreachRDD(rdd -> rdd.count());
        try {
            ssc.start();
            println("STARTED");
        } catch (RuntimeException e) {
            println("START-FAILED " + e.getClass().getName() + " " + e.getMessage());
        }
        println("STATE " + ssc.getState());
    }
}
