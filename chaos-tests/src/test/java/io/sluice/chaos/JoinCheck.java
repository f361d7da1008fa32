package io.sluice.chaos;

import io.sluice.internal.dstream.BatchDirectoryCommitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The check of {@link JoinChaosApp}: after every batch, its committed directory
 * {@code join-<t>.txt} holds exactly the bucket counts of source lines {@code [0, nA)} of A and
 * {@code [0, nB)} of B for the totals nA and nB the batch announced, and the join exactly the
 * buckets where both are non-zero (nothing lost, nothing counted twice, in either stream or in
 * the join). {@link #checkCommitted()} checks that every committed directory is complete.
 */
final class JoinCheck implements ChaosDriver.Checker {
    private final Path out;
    private final long bound;
    private final long bucket;
    private long highWater;
    private long checks;

    JoinCheck(Path out, long bound, long bucket) {
        this.out = out;
        this.bound = bound;
        this.bucket = bucket;
    }

    private Path dirOf(long timeMs) {
        return out.resolve(JoinChaosApp.PREFIX + "-" + timeMs + "." + JoinChaosApp.SUFFIX);
    }

    private long lastA;
    private long lastB;

    @Override
    public void onBatch(long timeMs, String batchLine, int life) throws Exception {
        String[] f = batchLine.split(" ");
        long na = Long.parseLong(f[2].substring(2));
        long nb = Long.parseLong(f[3].substring(2));
        Path dir = dirOf(timeMs);
        if (!Files.exists(dir.resolve(BatchDirectoryCommitter.SUCCESS_MARKER))) {
            throw new AssertionError("batch " + timeMs + " announced, but its directory " + dir.getFileName()
                    + " is not committed");
        }
        TreeSet<String> actual = new TreeSet<>(readParts(dir));
        TreeSet<String> expected = new TreeSet<>();
        addBuckets(expected, "a", na);
        addBuckets(expected, "b", nb);
        for (long k = 0; k * bucket < Math.min(na, nb); k++) {
            expected.add("j " + k + " " + inBucket(na, k) + " " + inBucket(nb, k));
        }
        if (!actual.equals(expected)) {
            TreeSet<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            TreeSet<String> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            throw new AssertionError("the output of batch " + timeMs + " is not the states and join of lines [0, "
                    + na + ") of A and [0, " + nb + ") of B: missing " + first(missing) + ", unexpected "
                    + first(extra));
        }
        if (na > bound || nb > bound) {
            throw new AssertionError("more lines counted (" + na + ", " + nb + ") than the sources have (" + bound + ")");
        }
        checks++;
        highWater = Math.max(highWater, na + nb);
        lastA = na;
        lastB = nb;
    }

    /** Lines of source A the latest batch checked had counted. */
    long lastA() {
        return lastA;
    }

    /** Lines of source B the latest batch checked had counted. */
    long lastB() {
        return lastB;
    }

    private static String first(TreeSet<String> s) {
        return s.isEmpty() ? "none" : s.size() > 3 ? new ArrayList<>(s).subList(0, 3) + " and " + (s.size() - 3)
                + " more" : s.toString();
    }

    private long inBucket(long n, long k) {
        return Math.max(0, Math.min(bucket, n - k * bucket));
    }

    private void addBuckets(TreeSet<String> into, String tag, long n) {
        for (long k = 0; k * bucket < n; k++) {
            into.add(tag + " " + k + " " + inBucket(n, k));
        }
    }

    private static List<String> readParts(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
        }
        for (Path p : parts) {
            for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (!l.isEmpty()) {
                    lines.add(l);
                }
            }
        }
        return lines;
    }

    /**
     * Every visible {@code join-*} directory is complete: it has its marker (a crash leaves
     * only hidden temporary directories). Returns how many there are.
     */
    int checkCommitted() throws IOException {
        TreeMap<String, Path> dirs = new TreeMap<>();
        try (Stream<Path> s = Files.list(out)) {
            s.filter(p -> p.getFileName().toString().startsWith(JoinChaosApp.PREFIX + "-"))
                    .forEach(p -> dirs.put(p.getFileName().toString(), p));
        }
        for (Path d : dirs.values()) {
            if (!Files.exists(d.resolve(BatchDirectoryCommitter.SUCCESS_MARKER))) {
                throw new AssertionError("the committed directory " + d.getFileName() + " has no "
                        + BatchDirectoryCommitter.SUCCESS_MARKER + ": a reader would see a partial batch");
            }
        }
        return dirs.size();
    }

    @Override
    public long linesSeen() {
        return highWater;
    }

    long checks() {
        return checks;
    }

    @Override
    public boolean finished() {
        return highWater == 2 * bound;
    }
}
