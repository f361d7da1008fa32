package io.sluice;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moves files into a file stream's directory the way producers must: written in a staging
 * directory of the same filesystem, given a modification time, then renamed into place.
 */
final class FileDrops {
    private final FileSystem fs;
    private final Path in;
    private final Path staging;

    FileDrops(FileSystem fs, Path in, Path staging) throws IOException {
        this.fs = fs;
        this.in = in;
        this.staging = staging;
        fs.mkdirs(in);
        fs.mkdirs(staging);
    }

    /** Writes {@code lines} to {@code name}, sets its modification time, moves it in; returns its path. */
    Path moveIn(String name, long modificationTime, String... lines) throws IOException {
        Path target = new Path(in, name);
        Path p = write(new Path(staging, name.replace('/', '_')), modificationTime, List.of(lines));
        fs.mkdirs(target.getParent());
        if (!fs.rename(p, target)) {
            throw new IOException("cannot move " + p + " to " + target);
        }
        return target;
    }

    /** Writes a file straight into the directory (as if it had been there before the start). */
    Path writeIn(String name, long modificationTime, String... lines) throws IOException {
        return write(new Path(in, name), modificationTime, List.of(lines));
    }

    private Path write(Path p, long modificationTime, List<String> lines) throws IOException {
        try (OutputStream out = fs.create(p, true)) {
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        fs.setTimes(p, modificationTime, -1);
        return p;
    }

    Path in() {
        return in;
    }

    FileSystem fs() {
        return fs;
    }
}
