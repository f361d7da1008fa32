package io.sluice;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local filesystem under the scheme {@code stopping://}, standing for a library that cannot
 * initialise once the JVM is exiting (Chronicle Queue, first used during start-up, fails with
 * "Shutdown in progress"): {@link #initialize} prints {@code FS-INIT}, waits until the JVM has
 * begun to shut down (the parent sends SIGTERM when it reads the line), then fails.
 * Register it with {@code fs.stopping.impl}.
 */
public final class ShutdownDuringStartFileSystem extends RawLocalFileSystem {
    /** The scheme. */
    public static final String SCHEME = "stopping";

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        System.out.println("FS-INIT");
        System.out.flush();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!shuttingDown()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("no SIGTERM came within 60 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IllegalStateException("Shutdown in progress (simulated: a library that cannot initialise while"
                + " the JVM exits)");
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
