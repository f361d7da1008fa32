package io.sluice.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real single-node Kafka cluster (KRaft, broker and controller in one process) for tests: a
 * child JVM running {@code kafka.Kafka} on 127.0.0.1 with its logs in a temporary directory,
 * formatted first with Kafka's {@code StorageTool}. Start it once per test class; {@link #close}
 * kills it and deletes its directory. Topics are not created automatically.
 */
public final class KafkaTestBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final Process process;
    private final Admin admin;

    private KafkaTestBroker(Path dir, int port, Process process, Admin admin) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.admin = admin;
    }

    /** Formats the storage, starts the broker and waits until it answers. */
    public static KafkaTestBroker start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("sluice-kafka-");
        int port = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("logs").toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        Path config = dir.resolve("server.properties");
        try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "Sluice test broker");
        }
        Path log = dir.resolve("broker.log");
        Process format = java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()), dir.resolve("format.log")).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            String out = Files.readString(dir.resolve("format.log"));
            deleteTree(dir);
            throw new IllegalStateException("Cannot format the test broker's storage:\n" + out);
        }
        Process broker = java(List.of("kafka.Kafka", config.toString()), log).start();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        KafkaTestBroker b = new KafkaTestBroker(dir, port, broker, admin);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return b;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // not up yet
            }
            if (!broker.isAlive() || System.nanoTime() > deadline) {
                String tail = tail(log);
                b.close();
                throw new IllegalStateException("The test broker did not start within " + START_TIMEOUT.toSeconds()
                        + " s (alive: " + broker.isAlive() + "); its log ends with:\n" + tail);
            }
            Thread.sleep(200);
        }
    }

    private static ProcessBuilder java(List<String> mainAndArgs, Path log) {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** An admin client of this broker (closed with it). */
    public Admin admin() {
        return admin;
    }

    /** Creates {@code topic} with {@code partitions} partitions and waits for it. */
    public void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /** A producer of string keys and values that waits for every write to be acknowledged. */
    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /** Writes {@code values} to {@code topic}'s {@code partition} and waits until they are acknowledged. */
    public void produce(String topic, int partition, List<String> values) throws Exception {
        try (KafkaProducer<String, String> p = producer()) {
            for (String v : values) {
                p.send(new ProducerRecord<>(topic, partition, null, v));
            }
            p.flush();
        }
    }

    /** Deletes the records of {@code tp} below {@code offset}, as retention would. */
    public void deleteRecordsBefore(TopicPartition tp, long offset) throws Exception {
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).all().get(30, TimeUnit.SECONDS);
    }

    /** The offsets committed for {@code group}. */
    public Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the test broker's directory " + dir, e);
        }
    }
}
