package dev.recipe.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The embedding lookup and its gradient must not leak native memory. DL4J M2.1's native {@code embedding_lookup}
 * leaks its output on every call and {@code unsorted_segment_sum} an output-sized copy (BENCHMARKS.md "The native
 * memory leak"): with them, the calls below grew the resident size by ~1.3 GB (measured); without them by 10-124 MB
 * (the allocator keeping freed pages).
 */
class EmbeddingMemoryTest {
    @BeforeAll
    static void fixes() {
        SameDiffFixes.install();
    }

    static long residentMb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long settledResidentMb() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // ND4J frees native buffers from a reference-queue thread after a collection
        }
        return residentMb();
    }

    @Test
    void lookupsAndTheirGradientsDoNotGrowResidentMemory() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc to read the resident size");
        SameDiff sd = SameDiff.create();
        SDVariable table = sd.var("table", Nd4j.rand(DataType.FLOAT, 8192, 256));
        SDVariable ids = sd.placeHolder("ids", DataType.INT, -1);
        SDVariable rows = Layers.embedding(sd, "rows", table, ids);
        sd.sum(rows.mul(rows)).rename("loss");
        int[] idv = new int[2048];
        for (int i = 0; i < idv.length; i++) idv[i] = (i * 37) % 8192;
        Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(idv));
        // warm-up: caches, the gradient function, the allocator's first pages
        for (int i = 0; i < 5; i++) {
            sd.output(ph, rows.name());
            sd.calculateGradients(ph, "table");
        }
        long before = settledResidentMb();
        for (int i = 0; i < 150; i++) {
            sd.output(ph, rows.name());      // 2 MB output a call
            if (i % 2 == 0) sd.calculateGradients(ph, "table"); // 8 MB table gradient a call
            if (i % 10 == 9) System.gc();
        }
        long grown = settledResidentMb() - before;
        System.out.println("EmbeddingMemoryTest: resident size grew by " + grown + " MB");
        assertTrue(grown < 300, "resident size grew by " + grown + " MB over 150 lookups and 75 gradients");
    }
}
