package io.sluice;

import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The state of one key, given to the function of {@link PairDStream#mapWithState}, as Spark's
 * {@code State}: read it with {@link #exists()}/{@link #get()}, change it with
 * {@link #update}, drop it with {@link #remove()}. When the key times out (no data for longer
 * than {@link StateSpec#timeout}), the function is called once more with no value and
 * {@link #isTimingOut()} true; the state is then removed whatever the function does.
 *
 * <p>Not thread-safe; valid only during the call it is given to.
 *
 * @param <S> the state type
 */
public abstract class State<S> {

    /** Whether the key has a state. */
    public abstract boolean exists();

    /**
     * The state.
     *
     * @throws NoSuchElementException if there is none
     */
    public abstract S get();

    /**
     * Sets the state.
     *
     * @throws IllegalArgumentException if the key is timing out or its state was removed in this
     *     call (Spark's exception type)
     */
    public abstract void update(S newState);

    /**
     * Removes the state.
     *
     * @throws IllegalArgumentException if the key is timing out (it is removed anyway) or was
     *     already removed in this call
     */
    public abstract void remove();

    /** Whether this call is the key's timeout call (no value; the state goes away after it). */
    public abstract boolean isTimingOut();

    /** The state, if any. */
    public Optional<S> getOption() {
        return exists() ? Optional.ofNullable(get()) : Optional.empty();
    }

    @Override
    public String toString() {
        return exists() ? "State(" + get() + ")" : "State(<none>)";
    }
}
