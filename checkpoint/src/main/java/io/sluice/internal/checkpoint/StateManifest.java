package io.sluice.internal.checkpoint;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The list of files one checkpoint's state snapshot is made of, written to
 * {@code state/<timeMs>/manifest} after every file it names is durable.
 *
 * <p>An entry is either <em>shared</em>, an immutable file (RocksDB's {@code *.sst} and
 * {@code *.blob}) stored once under {@code state/shared/} and referenced by every checkpoint
 * that contains it, or <em>own</em>, a mutable file ({@code MANIFEST-*}, {@code CURRENT},
 * {@code OPTIONS-*}, {@code *.log}, anything else) stored under {@code state/<timeMs>/files/}.
 * A shared file's remote name holds its size and CRC32C ({@link #sharedName}), so two files
 * that share a RocksDB name but differ in content (a file number reused after a restore from
 * an older checkpoint) can never be mistaken for one another.
 *
 * <p>Text format, UTF-8, one entry a line, the last line the CRC32C of every byte before it:
 * <pre>
 *   sluice-state-manifest 1
 *   time &lt;timeMs&gt;
 *   D &lt;relative path&gt;                                  a directory (may be empty)
 *   S &lt;size&gt; &lt;crc32c, 8 hex digits&gt; &lt;relative path&gt;     a shared file
 *   O &lt;size&gt; &lt;crc32c, 8 hex digits&gt; &lt;relative path&gt;     an own file
 *   end &lt;crc32c, 8 hex digits&gt;
 * </pre>
 * Paths use {@code /} and are the rest of the line after the fields before them.
 *
 * @param timeMs the checkpoint's time
 * @param directories the snapshot's directories, relative paths
 * @param files the snapshot's regular files
 */
public record StateManifest(long timeMs, List<String> directories, List<Entry> files) {

    static final String HEADER = "sluice-state-manifest 1";

    /** Validates and copies. */
    public StateManifest {
        directories = List.copyOf(directories);
        files = List.copyOf(files);
        Set<String> seen = new HashSet<>();
        for (Entry e : files) {
            if (!seen.add(e.path())) {
                throw new IllegalArgumentException("The state manifest of [" + timeMs + "] lists [" + e.path()
                        + "] twice");
            }
        }
    }

    /**
     * One regular file of a snapshot.
     *
     * @param path its path relative to the snapshot directory, with {@code /} separators
     * @param size its length in bytes
     * @param crc32c the CRC32C of its whole content
     * @param shared whether it is stored once under {@code state/shared/} ({@link #isImmutable})
     */
    public record Entry(String path, long size, int crc32c, boolean shared) {
        /** Validates. */
        public Entry {
            Objects.requireNonNull(path, "path");
            if (path.isEmpty() || path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || size < 0) {
                throw new IllegalArgumentException("Not a valid state file entry: [" + path + "], size " + size);
            }
        }

        /** The name of this shared file under {@code state/shared/}. */
        public String sharedName() {
            return StateManifest.sharedName(path, size, crc32c);
        }
    }

    /**
     * Whether a snapshot file named {@code fileName} never changes once written: RocksDB's table
     * ({@code .sst}) and blob ({@code .blob}) files. Only these are shared between checkpoints.
     */
    public static boolean isImmutable(String fileName) {
        return fileName.endsWith(".sst") || fileName.endsWith(".blob");
    }

    /**
     * The content-identifying name of a shared file: {@code 000012.sst} of 4521 bytes with CRC32C
     * {@code 0x8a3bc1d2} becomes {@code 000012-4521-8a3bc1d2.sst}. Directories of {@code path}
     * are folded into the name with {@code _} so shared files live in one flat directory.
     */
    static String sharedName(String path, long size, int crc32c) {
        String flat = path.replace('/', '_');
        int dot = flat.lastIndexOf('.');
        String stem = dot > 0 ? flat.substring(0, dot) : flat;
        String ext = dot > 0 ? flat.substring(dot) : "";
        return stem + "-" + size + "-" + String.format("%08x", crc32c) + ext;
    }

    /** The bytes of {@code state/<timeMs>/manifest}. */
    byte[] encode() {
        StringBuilder sb = new StringBuilder();
        sb.append(HEADER).append('\n').append("time ").append(timeMs).append('\n');
        for (String d : directories) {
            sb.append("D ").append(d).append('\n');
        }
        for (Entry e : files) {
            sb.append(e.shared() ? "S " : "O ").append(e.size()).append(' ')
                    .append(String.format("%08x", e.crc32c())).append(' ').append(e.path()).append('\n');
        }
        byte[] body = sb.toString().getBytes(UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] end = ("end " + String.format("%08x", (int) crc.getValue()) + "\n").getBytes(UTF_8);
        byte[] all = new byte[body.length + end.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(end, 0, all, body.length, end.length);
        return all;
    }

    /**
     * Parses and validates a manifest file's bytes.
     *
     * @throws IOException naming what is wrong if the content is truncated, corrupt (checksum),
     *                     of another format, or of another time than {@code expectedTimeMs}
     */
    static StateManifest decode(long expectedTimeMs, byte[] content) throws IOException {
        String text = new String(content, UTF_8);
        int endAt = text.lastIndexOf("end ");
        if (!text.endsWith("\n") || endAt < 0 || (endAt > 0 && text.charAt(endAt - 1) != '\n')) {
            throw new IOException("truncated state manifest (no end line)");
        }
        String crcText = text.substring(endAt + 4, text.length() - 1);
        CRC32C crc = new CRC32C();
        crc.update(content, 0, text.substring(0, endAt).getBytes(UTF_8).length);
        if (!crcText.equals(String.format("%08x", (int) crc.getValue()))) {
            throw new IOException("bad checksum of the state manifest");
        }
        String[] lines = text.substring(0, endAt).split("\n", -1);
        if (lines.length < 3 || !lines[0].equals(HEADER)) {
            throw new IOException("not a state manifest of a known version (first line [" + lines[0] + "])");
        }
        if (!lines[1].equals("time " + expectedTimeMs)) {
            throw new IOException("the state manifest is of [" + lines[1] + "], expected time " + expectedTimeMs);
        }
        List<String> directories = new ArrayList<>();
        List<Entry> files = new ArrayList<>();
        try {
            for (int i = 2; i < lines.length - 1; i++) {
                String line = lines[i];
                if (line.startsWith("D ")) {
                    directories.add(line.substring(2));
                } else if (line.startsWith("S ") || line.startsWith("O ")) {
                    String[] parts = line.split(" ", 4);
                    files.add(new Entry(parts[3], Long.parseLong(parts[1]), Integer.parseUnsignedInt(parts[2], 16),
                            line.charAt(0) == 'S'));
                } else {
                    throw new IOException("unknown line [" + line + "] in the state manifest");
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("malformed state manifest: " + e, e);
        }
        return new StateManifest(expectedTimeMs, directories, files);
    }

    /** The number of bytes of all files. */
    public long totalBytes() {
        return files.stream().mapToLong(Entry::size).sum();
    }
}
