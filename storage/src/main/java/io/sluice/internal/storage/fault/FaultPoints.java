package io.sluice.internal.storage.fault;

import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named steps of Sluice's durability protocol where a test can make the JVM stop dead, armed
 * by system properties and free when unarmed. The one test hook of production code, in the
 * manner of FoundationDB's simulation: a place in the code calls {@link #hit(String)} with one
 * of the names below, and a chaos test starts a JVM with
 *
 * <pre>{@code
 * -Dsluice.fault.point=checkpoint.beforeRename   # which point (one per JVM)
 * -Dsluice.fault.hitCount=3                      # fire from its 3rd hit on (default 1)
 * -Dsluice.fault.action=halt                     # halt (default) | throw | delay:<ms>
 * }</pre>
 *
 * <p>{@code halt} prints {@code FAULT point=<name> hit=<n> action=halt} on stderr and calls
 * {@link Runtime#halt} with status {@link #HALT_STATUS}: no shutdown hook, no finally block,
 * no flush runs, as with a power cut of the process (the page cache survives, as with SIGKILL).
 * {@code throw} throws a {@link FaultInjectedException} at every hit from the n-th on;
 * {@code delay:<ms>} sleeps that long at every hit from the n-th on.
 *
 * <p>Cost when unarmed: {@link #hit} reads a {@code static final boolean} that is false, so the
 * JIT compiles the call away; no allocation, no lock, no volatile read. Armed, the hits of the
 * armed point are counted with one atomic increment; hits of other points return at once.
 *
 * <p>The configuration is read once, when the class is initialized. An unknown point name
 * fails that initialization, naming the known points, so a typo cannot make a chaos test pass
 * by never firing.
 */
public final class FaultPoints {
    /** The WAL, in the middle of an append: the frame's header is written, its payload is not. */
    public static final String WAL_MID_APPEND = "wal.midAppend";
    /** A receiver's block is in the WAL and registered with the tracker; {@code store} has not returned (no ack yet). */
    public static final String RECEIVER_BEFORE_ACK = "receiver.beforeAck";
    /** The tracker is about to log a batch's block allocation. */
    public static final String TRACKER_BEFORE_ALLOCATION_LOG = "tracker.beforeAllocationLog";
    /** The tracker has logged a batch's block allocation; no job of the batch has run. */
    public static final String TRACKER_AFTER_ALLOCATION_LOG = "tracker.afterAllocationLog";
    /** A checkpoint metadata file is half written to its temporary name. */
    public static final String CHECKPOINT_MID_WRITE = "checkpoint.midWrite";
    /** A checkpoint file (metadata or state) is written and synced under its temporary name, not renamed. */
    public static final String CHECKPOINT_BEFORE_RENAME = "checkpoint.beforeRename";
    /** A state snapshot upload, between two of its files. */
    public static final String STATE_UPLOAD_BETWEEN_FILES = "state.uploadBetweenFiles";
    /** A file output wrote its batch directory (parts and marker) under a temporary name, not committed. */
    public static final String OUTPUT_BEFORE_COMMIT = "output.beforeCommit";

    /** Every point, in the order of the protocol. */
    public static final List<String> ALL = List.of(WAL_MID_APPEND, RECEIVER_BEFORE_ACK,
            TRACKER_BEFORE_ALLOCATION_LOG, TRACKER_AFTER_ALLOCATION_LOG, CHECKPOINT_MID_WRITE,
            CHECKPOINT_BEFORE_RENAME, STATE_UPLOAD_BETWEEN_FILES, OUTPUT_BEFORE_COMMIT);

    /** The exit status of a JVM halted at a fault point. */
    public static final int HALT_STATUS = 86;
    /** The system property naming the armed point. */
    public static final String POINT_PROPERTY = "sluice.fault.point";
    /** The system property: the hit (1-based) from which the armed point fires. */
    public static final String HIT_COUNT_PROPERTY = "sluice.fault.hitCount";
    /** The system property: {@code halt}, {@code throw} or {@code delay:<ms>}. */
    public static final String ACTION_PROPERTY = "sluice.fault.action";

    private static final Arming ARMING = Arming.parse(System.getProperties());
    private static final boolean ARMED = ARMING != null;

    private FaultPoints() {
    }

    /**
     * Marks that execution reached {@code point} (one of the constants of this class). Does
     * nothing unless this JVM was started with {@code -Dsluice.fault.point=<point>}.
     *
     * @throws FaultInjectedException if the point is armed with {@code throw} and fires
     */
    public static void hit(String point) {
        if (ARMED) {
            ARMING.onHit(point);
        }
    }

    /** Whether some point is armed in this JVM. */
    public static boolean armed() {
        return ARMED;
    }

    /** What a fault does when it fires. */
    enum Action { HALT, THROW, DELAY }

    /** One armed point: its name, from which hit it fires, and what it does. Thread-safe. */
    static final class Arming {
        final String point;
        final long fromHit;
        final Action action;
        final long delayMs;
        private final AtomicLong hits = new AtomicLong();

        Arming(String point, long fromHit, Action action, long delayMs) {
            this.point = point;
            this.fromHit = fromHit;
            this.action = action;
            this.delayMs = delayMs;
        }

        /**
         * The arming the properties describe, or null if {@code sluice.fault.point} is unset.
         *
         * @throws IllegalArgumentException naming the property and the accepted values
         */
        static Arming parse(Properties props) {
            String point = props.getProperty(POINT_PROPERTY, "").trim();
            if (point.isEmpty()) {
                return null;
            }
            if (!ALL.contains(point)) {
                throw new IllegalArgumentException("Unknown fault point [" + point + "] in -D" + POINT_PROPERTY
                        + "; the known points are " + ALL);
            }
            String count = props.getProperty(HIT_COUNT_PROPERTY, "1").trim();
            long fromHit;
            try {
                fromHit = Long.parseLong(count);
            } catch (NumberFormatException e) {
                fromHit = 0;
            }
            if (fromHit < 1) {
                throw new IllegalArgumentException("-D" + HIT_COUNT_PROPERTY + " must be a positive integer (the hit"
                        + " from which the point fires), got [" + count + "]");
            }
            String a = props.getProperty(ACTION_PROPERTY, "halt").trim().toLowerCase(Locale.ROOT);
            if (a.equals("halt")) {
                return new Arming(point, fromHit, Action.HALT, 0);
            }
            if (a.equals("throw")) {
                return new Arming(point, fromHit, Action.THROW, 0);
            }
            if (a.startsWith("delay:")) {
                try {
                    long ms = Long.parseLong(a.substring("delay:".length()));
                    if (ms >= 0) {
                        return new Arming(point, fromHit, Action.DELAY, ms);
                    }
                } catch (NumberFormatException e) {
                    // falls through to the error below
                }
            }
            throw new IllegalArgumentException("-D" + ACTION_PROPERTY + " must be halt, throw or delay:<ms>, got ["
                    + a + "]");
        }

        /** Counts a hit of {@code p} and fires if it is the armed point and its turn has come. */
        void onHit(String p) {
            if (!point.equals(p)) {
                return;
            }
            long n = hits.incrementAndGet();
            if (n < fromHit) {
                return;
            }
            switch (action) {
                case HALT -> {
                    System.err.println("FAULT point=" + p + " hit=" + n + " action=halt");
                    System.err.flush();
                    Runtime.getRuntime().halt(HALT_STATUS);
                }
                case THROW -> throw new FaultInjectedException("Fault injected at [" + p + "], hit " + n
                        + " (-D" + POINT_PROPERTY + "=" + p + ")");
                case DELAY -> {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        /** How many times the armed point was reached. */
        long hits() {
            return hits.get();
        }
    }
}
