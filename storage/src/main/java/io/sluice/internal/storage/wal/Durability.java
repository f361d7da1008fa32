package io.sluice.internal.storage.wal;

/**
 * How durable an append is when {@link WriteAheadLog#append} returns.
 */
public enum Durability {
    /** The bytes are in the OS page cache: they survive kill -9 of the JVM, not a power loss. */
    PROCESS,
    /** The bytes are synced to the device (msync): they survive a power loss too. The default. */
    FSYNC;

    /** Parses a configuration value ({@code process} or {@code fsync}), case-insensitively. */
    public static Durability parse(String value) {
        for (Durability d : values()) {
            if (d.name().equalsIgnoreCase(value.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("Unknown WAL durability [" + value
                + "]: use 'process' (survives kill -9) or 'fsync' (survives power loss)");
    }
}
