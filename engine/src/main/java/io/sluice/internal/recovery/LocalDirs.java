package io.sluice.internal.recovery;

import io.sluice.SluiceConf;
import io.sluice.SluiceException;
import io.sluice.internal.config.StreamingConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local directory of a context: write-ahead logs ({@code wal/stream-<id>}), the tracker
 * log ({@code tracker}) and the working copy of the state ({@code state}). It must survive a
 * process restart on the same machine, so by default it lives next to a local checkpoint
 * directory.
 */
public final class LocalDirs {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDirs.class);

    private LocalDirs() {
    }

    /** Resolves the local directory from {@code sluice.streaming.localDir} or the checkpoint dir. */
    public static Path resolve(SluiceConf conf, String checkpointDir) {
        var set = conf.get(StreamingConfig.LOCAL_DIR);
        if (set.isPresent()) {
            return Paths.get(set.get()).toAbsolutePath();
        }
        if (checkpointDir != null) {
            URI uri = URI.create(checkpointDir.replace('\\', '/'));
            if (uri.getScheme() == null) {
                return Paths.get(checkpointDir).toAbsolutePath().resolve("local");
            }
            if (uri.getScheme().equals("file")) {
                return Paths.get(uri).resolve("local");
            }
        }
        String app = conf.getRequired(StreamingConfig.APP_NAME).replaceAll("[^A-Za-z0-9._-]", "_");
        Path p = Paths.get(System.getProperty("java.io.tmpdir"), "sluice-" + app);
        if (checkpointDir != null) {
            LOG.warn("Checkpoint directory {} is not local: write-ahead logs go to {}; set {} to a directory that"
                    + " survives restarts", checkpointDir, p, StreamingConfig.LOCAL_DIR.name());
        }
        return p;
    }

    /** Deletes what a previous run left in the local directory (no checkpoint refers to it). */
    public static void wipeForFreshStart(Path local) {
        for (String sub : new String[] {"wal", "tracker", "state", "snapshots"}) {
            delete(local.resolve(sub));
        }
    }

    /** Deletes {@code p} recursively if it exists. */
    public static void delete(Path p) {
        try {
            Checkpointer.deleteRecursively(p);
        } catch (IOException e) {
            throw new SluiceException("Cannot delete [" + p + "]: " + e.getMessage(), e);
        }
    }
}
