package io.sluice.internal;

import io.sluice.SluiceConf;
import io.sluice.internal.config.MasterUrl;
import io.sluice.internal.config.StreamingConfig;
import io.sluice.internal.scheduler.TaskScheduler;
import io.sluice.internal.storage.serde.KryoSerializer;
import io.sluice.internal.storage.serde.Serializer;

/**
 * What every RDD of one context shares: the configuration, the task scheduler and the
 * serializer. Created with the context, closed when it stops.
 */
public final class SluiceEnv implements AutoCloseable {
    private final SluiceConf conf;
    private final TaskScheduler scheduler;
    private final Serializer serializer;
    private final int defaultParallelism;

    public SluiceEnv(SluiceConf conf) {
        this.conf = conf;
        int threads = MasterUrl.threads(conf.getRequired(StreamingConfig.MASTER));
        this.scheduler = new TaskScheduler(threads);
        this.defaultParallelism = conf.get(StreamingConfig.DEFAULT_PARALLELISM).orElse(threads);
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        this.serializer = KryoSerializer.withRegistrators(cl, java.util.List.of(new EngineKryoRegistrations()),
                conf.get(StreamingConfig.KRYO_REGISTRATOR).orElse(null));
    }

    public SluiceConf conf() {
        return conf;
    }

    public TaskScheduler scheduler() {
        return scheduler;
    }

    public Serializer serializer() {
        return serializer;
    }

    public int defaultParallelism() {
        return defaultParallelism;
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
