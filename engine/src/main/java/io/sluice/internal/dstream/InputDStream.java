package io.sluice.internal.dstream;

import io.sluice.DStream;
import io.sluice.StreamingContext;
import java.time.Duration;
import java.util.List;

/**
 * A stream read from a source. Every input stream gets an id from its place among the inputs of
 * the graph (0, 1, ...); the setup function of an application declares them in the same order
 * on every start, so ids are stable across recovery.
 */
public abstract class InputDStream<T> extends DStream<T> {
    private final int id;

    protected InputDStream(StreamingContext ssc) {
        super(ssc);
        this.id = ssc.graph().addInput(this);
    }

    /** This stream's id, stable across restarts of the same application. */
    public int id() {
        return id;
    }

    @Override
    public Duration slideDuration() {
        return ssc.graph().batchDuration();
    }

    @Override
    public List<DStream<?>> dependencies() {
        return List.of();
    }

    /** Called when the context starts. */
    public void start() {
    }

    /** Called when the context stops. */
    public void stop() {
    }
}
