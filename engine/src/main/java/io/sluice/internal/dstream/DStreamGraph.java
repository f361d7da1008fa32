package io.sluice.internal.dstream;

import io.sluice.DStream;
import io.sluice.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The DStream graph of one context: its input streams, output operations and stateful
 * operators. Built by the application's setup code before start, frozen afterwards.
 */
public final class DStreamGraph {
    private final List<InputDStream<?>> inputs = new CopyOnWriteArrayList<>();
    private final List<ForEachDStream<?>> outputs = new CopyOnWriteArrayList<>();
    private final Map<String, StatefulDStream> stateful = new TreeMap<>();
    private final Map<String, Integer> statefulCountByKind = new TreeMap<>();
    private final Duration batchDuration;
    private final Runnable mutabilityCheck;
    private volatile Time zeroTime;
    private volatile Duration rememberDuration;

    /**
     * @param mutabilityCheck throws if the context no longer accepts new operations
     */
    public DStreamGraph(Duration batchDuration, Runnable mutabilityCheck) {
        this.batchDuration = batchDuration;
        this.mutabilityCheck = mutabilityCheck;
    }

    public Duration batchDuration() {
        return batchDuration;
    }

    /** Throws {@link IllegalStateException} if operations can no longer be added. */
    public void assertMutable() {
        mutabilityCheck.run();
    }

    synchronized int addInput(InputDStream<?> input) {
        assertMutable();
        inputs.add(input);
        return inputs.size() - 1;
    }

    synchronized int addOutput(ForEachDStream<?> output) {
        assertMutable();
        outputs.add(output);
        return outputs.size() - 1;
    }

    /**
     * Registers a stateful operator and returns its id: {@code <kind>-<n>}, n counting the
     * operators of that kind declared before it. Adding or removing stateless steps does not
     * change the ids.
     */
    public synchronized String registerStateful(String kind, StatefulDStream stream) {
        assertMutable();
        int n = statefulCountByKind.merge(kind, 1, Integer::sum) - 1;
        String id = kind + "-" + n;
        if (stateful.containsKey(id)) {
            throw new IllegalArgumentException("A stateful operator was named [" + id + "] with uid(), the id this "
                    + kind + " operator gets by its place in the graph: choose a name that is not of the form <kind>-<n>");
        }
        stateful.put(id, stream);
        return id;
    }

    /**
     * Renames stateful operator {@code oldId} to the user-chosen {@code newId} and returns it.
     *
     * @throws IllegalArgumentException if {@code newId} is malformed or names another operator
     */
    public synchronized String renameStateful(String oldId, String newId) {
        assertMutable();
        if (newId == null || !newId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("Invalid operator uid [" + newId + "]: use 1-200 letters, digits, '.', '_'"
                    + " or '-'");
        }
        if (newId.equals(oldId)) {
            return newId;
        }
        if (stateful.containsKey(newId)) {
            throw new IllegalArgumentException("Two stateful operators named [" + newId + "]: each uid must be unique");
        }
        StatefulDStream s = stateful.remove(oldId);
        if (s == null) {
            throw new IllegalStateException("Stateful operator [" + oldId + "] is not registered; this is a bug");
        }
        stateful.put(newId, s);
        return newId;
    }

    public List<InputDStream<?>> inputs() {
        return List.copyOf(inputs);
    }

    public List<ForEachDStream<?>> outputs() {
        return List.copyOf(outputs);
    }

    /** The stateful operators by id, in id order. */
    public synchronized Map<String, StatefulDStream> statefulOperators() {
        return new TreeMap<>(stateful);
    }

    public void setRememberDuration(Duration d) {
        assertMutable();
        this.rememberDuration = d;
    }

    /** Initializes every stream with {@code zero} as zero time; called once at start. */
    public void start(Time zero) {
        this.zeroTime = zero;
        for (ForEachDStream<?> o : outputs) {
            o.initialize(zero);
        }
        for (InputDStream<?> in : inputs) {
            in.initialize(zero);
        }
        for (StatefulDStream s : stateful.values()) {
            ((DStream<?>) s).initialize(zero);
        }
        for (ForEachDStream<?> o : outputs) {
            o.rememberAtLeast(rememberDuration);
        }
        for (StatefulDStream s : stateful.values()) {
            ((DStream<?>) s).rememberAtLeast(rememberDuration);
        }
    }

    /**
     * How far back input RDDs must be rebuildable after recovery: the longest remember duration
     * of any input stream (a window's length plus its slide, at least one batch).
     */
    public Duration maxInputRememberDuration() {
        Duration max = batchDuration;
        for (InputDStream<?> in : inputs) {
            if (in.rememberDuration().compareTo(max) > 0) {
                max = in.rememberDuration();
            }
        }
        return max;
    }

    public Optional<Time> zeroTime() {
        return Optional.ofNullable(zeroTime);
    }

    /** The jobs of batch {@code time}, in the order the output operations were declared. */
    public List<Job> generateJobs(Time time) {
        List<Job> jobs = new ArrayList<>();
        for (ForEachDStream<?> o : outputs) {
            o.generateJob(time).ifPresent(jobs::add);
        }
        return jobs;
    }

    /** Forgets RDDs that no stream needs after batch {@code time}. */
    public void clearMetadata(Time time) {
        for (ForEachDStream<?> o : outputs) {
            o.clearMetadata(time);
        }
        for (StatefulDStream s : stateful.values()) {
            ((DStream<?>) s).clearMetadata(time);
        }
    }

    /** A description of the stateful operators (id to kind and state partitions), for checkpoints. */
    public synchronized Map<String, String> describeStateful() {
        Map<String, String> d = new TreeMap<>();
        stateful.forEach((id, s) -> d.put(id, s.describe()));
        return d;
    }
}
