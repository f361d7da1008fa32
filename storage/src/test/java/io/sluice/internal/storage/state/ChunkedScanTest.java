package io.sluice.internal.storage.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Reading a prefix in chunks with scan(prefix, startAfter) equals one full scan. */
class ChunkedScanTest {

    private static List<String> scanAll(StateTable t, byte[] prefix) {
        List<String> out = new ArrayList<>();
        try (StateTable.StateIterator it = t.scan(prefix)) {
            while (it.hasNext()) {
                it.next();
                out.add(new String(it.key()) + "=" + new String(it.value()));
            }
        }
        return out;
    }

    private static List<String> scanChunked(StateTable t, byte[] prefix, int chunk) {
        List<String> out = new ArrayList<>();
        byte[] last = null;
        while (true) {
            int n = 0;
            try (StateTable.StateIterator it = last == null ? t.scan(prefix) : t.scan(prefix, last)) {
                while (n < chunk && it.hasNext()) {
                    it.next();
                    out.add(new String(it.key()) + "=" + new String(it.value()));
                    last = it.key();
                    n++;
                }
                if (!it.hasNext()) {
                    return out;
                }
            }
        }
    }

    @Test
    void chunkedScansEqualAFullScan() throws Exception {
        Path dir = Files.createTempDirectory("chunked-scan");
        try (RocksDBStateStore store = RocksDBStateStore.open(dir.resolve("db"), StateStoreOptions.defaults())) {
            qt().withExamples(50).forAll(lists().of(integers().between(0, 300)).ofSizeBetween(0, 120),
                    integers().between(1, 7), integers().between(0, 3)).checkAssert((keys, chunk, prefixId) -> {
                        StateTable t = store.table("op-" + System.nanoTime());
                        for (int k : keys) {
                            t.put(String.format("%d/%05d", k % 4, k).getBytes(), ("v" + k).getBytes());
                        }
                        byte[] prefix = (prefixId + "/").getBytes();
                        assertEquals(scanAll(t, prefix), scanChunked(t, prefix, chunk));
                        assertEquals(scanAll(t, new byte[0]), scanChunked(t, new byte[0], chunk));
                    });
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
