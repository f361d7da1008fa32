package io.sluice.benchmarks.endtoend;

import java.nio.file.Path;

/**
 * The main class of a child JVM: runs one {@link RunSpec} ({@code key=value} arguments) on the
 * named engine and writes its {@link RunResult} to the spec's {@code out} file. The engine class
 * is found by name ({@code sluice}: {@link SluiceEngine}; {@code spark}:
 * {@code io.sluice.benchmarks.spark.SparkEngine}, on the Spark peer module's classpath).
 */
public final class EngineRun {
    private EngineRun() {
    }

    /** Runs one spec and exits (0 when a result was written, 1 otherwise). */
    public static void main(String[] args) {
        int status = 1;
        try {
            RunSpec spec = RunSpec.parse(args);
            String cls = switch (spec.engine()) {
                case "sluice" -> "io.sluice.benchmarks.endtoend.SluiceEngine";
                case "spark" -> "io.sluice.benchmarks.spark.SparkEngine";
                default -> throw new IllegalArgumentException("unknown engine [" + spec.engine()
                        + "]; known: sluice, spark");
            };
            EngineUnderTest engine = (EngineUnderTest) Class.forName(cls).getDeclaredConstructor().newInstance();
            System.out.println("== " + engine.name() + " " + engine.version() + ": " + spec.label());
            RunResult r = new WorkloadRun(engine, spec).run();
            r.put("jvm", Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
            r.write(Path.of(spec.out().toString()));
            status = 0;
        } catch (Throwable t) {
            t.printStackTrace();
        }
        System.out.flush();
        System.err.flush();
        // Engines leave non-daemon threads behind (Spark's in particular): exit explicitly, with
        // the shutdown hooks (a flight recording is written by one).
        System.exit(status);
    }
}
