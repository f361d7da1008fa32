package io.sluice.internal.scheduler;

import io.sluice.StreamingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to the context's listeners; a listener that throws is logged, not fatal. */
public final class ListenerBus {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerBus.class);
    private final List<StreamingListener> listeners = new CopyOnWriteArrayList<>();

    public void add(StreamingListener l) {
        listeners.add(l);
    }

    /** Calls {@code event} on every listener, in registration order. */
    public synchronized void post(Consumer<StreamingListener> event) {
        for (StreamingListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("Streaming listener {} threw: {}", l, e.toString(), e);
            }
        }
    }
}
