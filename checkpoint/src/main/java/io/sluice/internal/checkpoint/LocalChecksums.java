package io.sluice.internal.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * CRC32C checksums of local files, remembered so that an immutable file is read once for its
 * checksum, not at every checkpoint, and a restart on the same machine can trust its local
 * snapshot copy without reading it.
 *
 * <p>A checksum is remembered under the file's identity: its name, size, modification time (in
 * nanoseconds where the filesystem keeps them) and file key (device and inode on Linux). A hard
 * link shares all four with its target, which is how RocksDB's Checkpoint and Sluice's restore
 * make snapshot and working files; a file rewritten, truncated or replaced changes at least one
 * of them. A file whose filesystem has no file key is never remembered (always read).
 *
 * <p>The identities of one local snapshot directory are persisted in its {@value #INDEX_NAME}
 * file (one line per file: size, modification time, file key, checksum, name), written after
 * the snapshot was uploaded or restored and read at the next restore. The index is only a
 * cache: a missing or unreadable index costs a read of every file, never a wrong answer beyond
 * a change that keeps name, size, time and inode (which RocksDB never makes).
 *
 * <p>Thread-safe.
 */
final class LocalChecksums {

    /** The index file inside a local snapshot directory; never uploaded. */
    static final String INDEX_NAME = ".sluice-checksums";

    private final Map<String, Integer> known = new ConcurrentHashMap<>();

    /** The remembered checksum of {@code file}, if its identity is unchanged since it was computed. */
    OptionalInt lookup(Path file, BasicFileAttributes attrs) {
        String key = key(file, attrs);
        if (key == null) {
            return OptionalInt.empty();
        }
        Integer crc = known.get(key);
        return crc == null ? OptionalInt.empty() : OptionalInt.of(crc);
    }

    /** Remembers {@code crc} as the checksum of {@code file} as it is now. */
    void remember(Path file, BasicFileAttributes attrs, int crc) {
        String key = key(file, attrs);
        if (key != null) {
            known.put(key, crc);
        }
    }

    /** The checksum of {@code file}: remembered, else computed by reading it (and remembered). */
    int checksum(Path file) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        OptionalInt crc = lookup(file, attrs);
        if (crc.isPresent()) {
            return crc.getAsInt();
        }
        int computed = compute(file);
        remember(file, attrs, computed);
        return computed;
    }

    /** Reads {@code file} whole and returns its CRC32C. */
    static int compute(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                crc.update(buffer, 0, n);
            }
        }
        return (int) crc.getValue();
    }

    /**
     * Loads the index of {@code dir} into this cache. An absent or malformed index is ignored
     * (the files will be read instead).
     */
    void loadIndex(Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(INDEX_NAME), UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | RuntimeException e) {
            return; // a cache: reading the files instead is always correct
        }
        for (String line : lines) {
            String[] parts = line.split(" ", 5);
            if (parts.length == 5) {
                try {
                    known.put(parts[4] + "|" + parts[0] + "|" + parts[1] + "|" + parts[2],
                            Integer.parseUnsignedInt(parts[3], 16));
                } catch (NumberFormatException ignored) {
                    // a damaged line only costs a read of that file
                }
            }
        }
    }

    /**
     * Writes the index of {@code dir} for {@code files} (relative path to checksum), through a
     * temporary file and a rename. Files whose identity cannot be taken are left out.
     */
    void writeIndex(Path dir, Map<String, Integer> files) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Integer> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (attrs.fileKey() == null) {
                continue;
            }
            lines.add(attrs.size() + " " + modified(attrs) + " " + fileKey(attrs) + " "
                    + String.format("%08x", e.getValue()) + " " + file.getFileName());
            remember(file, attrs, e.getValue());
        }
        Path temporary = dir.resolve(INDEX_NAME + ".tmp");
        Files.write(temporary, lines, UTF_8);
        Files.move(temporary, dir.resolve(INDEX_NAME), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static String key(Path file, BasicFileAttributes attrs) {
        if (attrs.fileKey() == null || !attrs.isRegularFile()) {
            return null;
        }
        return file.getFileName() + "|" + attrs.size() + "|" + modified(attrs) + "|" + fileKey(attrs);
    }

    private static String modified(BasicFileAttributes attrs) {
        return Long.toString(attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    private static String fileKey(BasicFileAttributes attrs) {
        return attrs.fileKey().toString().replace(' ', '_');
    }
}
