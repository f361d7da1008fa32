package io.sluice.benchmarks.endtoend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The main class of a child JVM: runs one or more {@link RunSpec}s ({@code key=value}
 * arguments, specs separated by {@code --}) one after the other on a new instance of the named
 * engine each, and writes each one's {@link RunResult} to its spec's {@code out} file. The runs
 * of one JVM share its JIT: the first warms up for {@link WorkloadRun#WARMUP_SECONDS}, the
 * later ones for {@link WorkloadRun#REWARM_SECONDS}. The engine class is found by name
 * ({@code sluice}: {@link SluiceEngine}; {@code spark}: {@code io.sluice.benchmarks.spark.SparkEngine},
 * on the Spark peer module's classpath).
 */
public final class EngineRun {
    private EngineRun() {
    }

    /** Runs the specs and exits: 0 when every one wrote a result, 1 otherwise. */
    public static void main(String[] args) {
        int status = 0;
        try {
            List<RunSpec> specs = parse(args);
            boolean first = true;
            double previous = 0;
            for (RunSpec given : specs) {
                // A later run of the same pipeline starts its warm-up from the earlier one's result.
                RunSpec spec = previous > 0 ? given.withStartRate(previous) : given;
                try {
                    EngineUnderTest engine = engine(spec.engine());
                    System.out.println("== " + engine.name() + " " + engine.version() + ": " + spec.label());
                    RunResult r = new WorkloadRun(engine, spec, first).run();
                    r.put("jvm", Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
                    r.write(Path.of(spec.out().toString()));
                    previous = r.number("sustainedLinesPerSec") > 0 ? r.number("sustainedLinesPerSec") : previous;
                } catch (Throwable t) {
                    System.out.println("== FAILED: " + spec.label());
                    t.printStackTrace();
                    status = 1;
                }
                first = false;
            }
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        // Engines leave non-daemon threads behind (Spark's in particular): exit explicitly, with
        // the shutdown hooks (a flight recording is written by one).
        System.exit(status);
    }

    /** The specs of {@code args}: groups of {@code key=value} arguments separated by {@code --}. */
    static List<RunSpec> parse(String[] args) {
        List<RunSpec> specs = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= args.length; i++) {
            if (i == args.length || args[i].equals("--")) {
                if (i > from) {
                    specs.add(RunSpec.parse(Arrays.copyOfRange(args, from, i)));
                }
                from = i + 1;
            }
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("no run spec given; expected key=value arguments (see RunSpec)");
        }
        return specs;
    }

    private static EngineUnderTest engine(String name) throws ReflectiveOperationException {
        String cls = switch (name) {
            case "sluice" -> "io.sluice.benchmarks.endtoend.SluiceEngine";
            case "spark" -> "io.sluice.benchmarks.spark.SparkEngine";
            default -> throw new IllegalArgumentException("unknown engine [" + name + "]; known: sluice, spark");
        };
        return (EngineUnderTest) Class.forName(cls).getDeclaredConstructor().newInstance();
    }
}
