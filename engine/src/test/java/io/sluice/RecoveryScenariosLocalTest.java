package io.sluice;

import io.sluice.ExactlyOnceHarness.Fs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;

/** {@link RecoveryScenarios} with checkpoints and outputs on the local filesystem. */
class RecoveryScenariosLocalTest extends RecoveryScenarios {
    @TempDir
    Path dir;

    @Override
    Fs fs() throws Exception {
        return new Fs(Files.createTempDirectory(dir, "root").toString(), new Configuration());
    }
}
