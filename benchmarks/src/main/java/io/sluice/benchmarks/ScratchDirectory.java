package io.sluice.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where benchmarks write their files: a fresh directory under {@code -Dsluice.bench.dir} if
 * set, else under {@code java.io.tmpdir}. The disk of that directory is the disk measured, so
 * the WAL benchmarks and {@link DiskWriteBaseline} must use the same one.
 */
final class ScratchDirectory {

    /** The system property naming the parent directory of the scratch directories. */
    static final String BENCH_DIR_PROPERTY = "sluice.bench.dir";

    private ScratchDirectory() {
    }

    /** The parent of every scratch directory. */
    static Path root() {
        String configured = System.getProperty(BENCH_DIR_PROPERTY);
        return Paths.get(configured != null && !configured.isBlank()
                ? configured : System.getProperty("java.io.tmpdir")).toAbsolutePath();
    }

    /**
     * Creates a new, empty directory named after {@code prefix}.
     *
     * @throws UncheckedIOException if it cannot be created, naming the property to change
     */
    static Path create(String prefix) {
        Path root = root();
        try {
            Files.createDirectories(root);
            return Files.createTempDirectory(root, "sluice-bench-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a scratch directory under [" + root
                    + "]: " + e + ". Point -D" + BENCH_DIR_PROPERTY + " at a writable directory", e);
        }
    }

    /** Deletes {@code dir} and everything under it; a missing directory is not an error. */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the scratch directory [" + dir + "]: " + e
                    + ". Delete it by hand; it may hold gigabytes", e);
        }
    }
}
