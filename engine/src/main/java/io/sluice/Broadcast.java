package io.sluice;

import java.io.Serializable;

/**
 * A read-only value shared by all tasks, as Spark's {@code Broadcast}. Beyond Spark, its value
 * is kept in checkpoints: a context recovered by {@link StreamingContext#getOrCreate} gets the
 * value the first run broadcast (matched by name, or by creation order), not the one its setup
 * function computes again, so a lookup table built at the first start stays the same across
 * restarts. In one JVM, tasks read the value directly; there is no copy per task.
 *
 * @param <T> the value's type
 */
public final class Broadcast<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private volatile T value;
    private volatile boolean destroyed;

    Broadcast(String name, T value) {
        this.name = name;
        this.value = value;
    }

    /** The name (given, or {@code broadcast-<n>} in creation order), used by checkpoints. */
    public String name() {
        return name;
    }

    /**
     * The value.
     *
     * @throws IllegalStateException after {@link #destroy()}
     */
    public T value() {
        if (destroyed) {
            throw new IllegalStateException("Attempted to use Broadcast(" + name + ") after it was destroyed");
        }
        return value;
    }

    /** Kept for compatibility: in one JVM there is no cached copy to drop. */
    public void unpersist() {
    }

    /** Makes the value unusable and forgets it; it is no longer checkpointed. */
    public void destroy() {
        destroyed = true;
        value = null;
    }

    /** Whether {@link #destroy()} was called. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Internal: replaces the value with the one a checkpoint kept. */
    @SuppressWarnings("unchecked")
    void restore(Object checkpointed) {
        this.value = (T) checkpointed;
    }

    @Override
    public String toString() {
        return "Broadcast(" + name + ")";
    }
}
