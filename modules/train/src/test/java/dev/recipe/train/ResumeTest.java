package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Resume after {@code kill -9} is bit-identical: (a) 12 steps uninterrupted in this JVM; (b) the same run in a child
 * JVM ({@link ResumeWorker}, checkpoint every 3 steps, 500 ms sleep per step) killed with
 * {@link Process#destroyForcibly()} once its first checkpoint exists; (c) resumed here from that checkpoint.
 */
class ResumeTest {
    private static final List<String> VARS = List.of("layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias");

    @TempDir
    Path tmp;

    @Test
    void resumeAfterKillNineEqualsAnUninterruptedRun() throws Exception {
        TrainConfig cfg = Mlp.config();
        SameDiff straight = Mlp.graph(8, 99);
        TrainResult full = new Trainer().fit(straight, Mlp.LOSS, Mlp.data(cfg.seed()), cfg, null);

        Path dir = tmp.resolve("ckpt");
        Path log = tmp.resolve("worker.log");
        Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), ResumeWorker.class.getName(),
                dir.toString(), "500")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.isDirectory(dir.resolve("step-3"))) {
                if (!worker.isAlive()) fail("worker exited (" + worker.exitValue() + ") early:\n" + tail(log));
                if (System.nanoTime() > deadline) fail("no checkpoint after 120 s:\n" + tail(log));
                Thread.sleep(10);
            }
            assertTrue(worker.isAlive(), "the kill must land mid-run");
            worker.destroyForcibly();
            assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
        } finally {
            worker.destroyForcibly();
        }
        assertNotEquals(0, worker.exitValue(), "killed, not finished");
        assertFalse(Files.exists(dir.resolve("step-12")), "the worker must not have finished:\n" + tail(log));
        assertFalse(tail(log).contains("WORKER finished"));

        SameDiff resumed = Mlp.graph(8, 99);
        TrainResult rest = new Trainer().resume(resumed, Mlp.LOSS, Mlp.data(cfg.seed()), cfg, dir);

        assertTrue(rest.resumedFrom() >= 3 && rest.resumedFrom() < 12, "resumed from " + rest.resumedFrom());
        assertEquals(12, rest.finalStep());
        assertEquals(full.losses(), rest.losses(), "loss curve, exactly");
        for (String v : VARS) {
            assertArrayEquals(TestGraphs.bytes(straight.getArrForVarName(v)),
                    TestGraphs.bytes(resumed.getArrForVarName(v)), v + " must be bit-identical");
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log).stream()
                    .filter(l -> !l.startsWith("Added differentiated op")).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
