package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;

class TrainerTest {

    @TempDir
    Path tmp;

    /** Two AdamW steps on a 2-element variable, against torch.optim.AdamW (float64) computed by hand. */
    @Test
    void adamWMatchesHandComputedTwoSteps() {
        SameDiff sd = TestGraphs.linear(1.0f, -0.5f);
        TrainConfig cfg = TrainConfig.of(0.1, 1).withWeightDecay(0.01).withSchedule(Schedule.CONSTANT)
                .withClipNorm(0).withLogEverySteps(0);
        BatchSource data = TestGraphs.feed(List.of(new float[] {0.5f, -2.0f}, new float[] {1.5f, 0.25f}));

        TrainResult r = new Trainer().fit(sd, "loss", data, cfg, null);

        // p *= 1-lr*wd; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t)+eps)
        double[] p = {1.0, -0.5};
        double[] m = new double[2];
        double[] v = new double[2];
        double[][] g = {{0.5, -2.0}, {1.5, 0.25}};
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 2; i++) {
                p[i] *= 1 - 0.1 * 0.01;
                m[i] = 0.9 * m[i] + 0.1 * g[t - 1][i];
                v[i] = 0.999 * v[i] + 0.001 * g[t - 1][i] * g[t - 1][i];
                p[i] -= (0.1 / (1 - Math.pow(0.9, t))) * m[i]
                        / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8);
            }
        }
        // the same numbers from torch 1.13 AdamW(lr=0.1, weight_decay=0.01) in float64
        assertEquals(0.8063228909206943, p[0], 1e-15);
        assertEquals(-0.34184704332845556, p[1], 1e-15);
        float[] w = sd.getArrForVarName("w").toFloatVector();
        assertEquals(p[0], w[0], 1e-6);
        assertEquals(p[1], w[1], 1e-6);
        // torch 1.13 AdamW in float32 gives 0.80632293f, -0.34184706f (bit-identical here; allow 2 ulp elsewhere)
        assertEquals(0.80632293f, w[0], 2 * Math.ulp(0.80632293f));
        assertEquals(-0.34184706f, w[1], 2 * Math.ulp(0.34184706f));
        assertEquals(1.0 * 0.5 + (-0.5) * (-2.0), r.losses().get(0), 1e-6);
        assertEquals(1.5 * 0.899000002 - 0.25 * 0.3995000005, r.losses().get(1), 1e-6);
        assertEquals(2, r.finalStep());
    }

    /** Three SGD steps with momentum and weight decay, against torch.optim.SGD computed by hand and by torch. */
    @Test
    void sgdWithMomentumMatchesTorch() {
        SameDiff sd = TestGraphs.linear(1.0f, -0.5f);
        TrainConfig cfg = TrainConfig.of(0.1, 1).withWeightDecay(0.01).withSchedule(Schedule.CONSTANT)
                .withClipNorm(0).withLogEverySteps(0).withSgd(0.9);
        double[][] g = {{0.5, -2.0}, {1.5, 0.25}, {-1.0, 0.75}};
        new Trainer().fit(sd, "loss", TestGraphs.feed(List.of(
                new float[] {0.5f, -2.0f}, new float[] {1.5f, 0.25f}, new float[] {-1.0f, 0.75f})), cfg, null);

        // d = g + wd p; b = d (first step) else mu b + d; p -= lr b
        double[] p = {1.0, -0.5};
        double[] b = new double[2];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 2; i++) {
                double d = g[t][i] + 0.01 * p[i];
                b[i] = t == 0 ? d : 0.9 * b[i] + d;
                p[i] -= 0.1 * b[i];
            }
        }
        // torch 1.13 SGD(lr=0.1, momentum=0.9, weight_decay=0.01), float64 and float32
        assertEquals(0.6742347489999999, p[0], 1e-15);
        assertEquals(-0.07843219949999997, p[1], 1e-15);
        float[] w = sd.getArrForVarName("w").toFloatVector();
        assertEquals(0.6742347478866577f, w[0], 2 * Math.ulp(0.6742347f));
        assertEquals(-0.07843216508626938f, w[1], 2 * Math.ulp(0.07843216f));
    }

    /** SGD's momentum is its own setting: AdamW refuses one (its momentum is beta1), SGD takes [0, 1). */
    @Test
    void momentumBelongsToSgd() {
        TrainConfig adamW = TrainConfig.of(0.1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(0.1, 0, 0.9, 0.999, 1e-8, 1, 0, Schedule.LINEAR, 1.0, List.of(), 1, 0, 0,
                        OptimizerKind.ADAMW, 0.9));
        assertTrue(e.getMessage().startsWith("momentum must be 0 unless the optimizer is SGD"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> adamW.withSgd(1.0));
        assertEquals(OptimizerKind.SGD, adamW.withSgd(0).optimizer());
        assertEquals(adamW, adamW.withSgd(0.5).withAdamW());
    }

    /** Each step reports its phases; they are not negative and add up to no more than the step's wall time. */
    @Test
    void stepPhasesAreReportedAndFitInTheStep() {
        SameDiff sd = Mlp.graph(8, 99);
        TrainConfig cfg = Mlp.config().withLogEverySteps(0);
        List<StepInfo> infos = new ArrayList<>();
        long[] last = {System.nanoTime()};
        List<Long> walls = new ArrayList<>();
        new Trainer(info -> {
            long now = System.nanoTime();
            walls.add(now - last[0]);
            infos.add(info);
            last[0] = now;
        }).fit(sd, Mlp.LOSS, Mlp.data(cfg.seed()), cfg, null);
        assertFalse(infos.isEmpty());
        for (int i = 0; i < infos.size(); i++) {
            StepInfo.Phases p = infos.get(i).phases();
            long sum = 0;
            for (long n : new long[] {p.batchNanos(), p.forwardBackwardNanos(), p.normNanos(), p.updateNanos(),
                    p.restNanos()}) {
                assertTrue(n >= 0, "phase of step " + (i + 1) + ": " + p);
                sum += n;
            }
            assertTrue(p.forwardBackwardNanos() > 0, "forward/backward took no time: " + p);
            assertTrue(sum <= walls.get(i), "phases " + sum + " ns exceed the step's " + walls.get(i) + " ns");
        }
        assertEquals(List.of("batch", "forward_backward", "grad_norm", "update", "rest"),
                List.copyOf(infos.get(0).phases().millis().keySet()));
    }

    @Test
    void frozenVariablesAreBitIdenticalAfterTraining() {
        SameDiff sd = Mlp.graph(8, 99);
        Map<String, byte[]> before = new HashMap<>();
        for (String n : List.of("layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias")) {
            before.put(n, TestGraphs.bytes(sd.getArrForVarName(n)));
        }
        TrainConfig cfg = Mlp.config().withTrainable(List.of("^layer1\\.")).withLogEverySteps(0);

        new Trainer().fit(sd, Mlp.LOSS, Mlp.data(cfg.seed()), cfg, null);

        assertArrayEquals(before.get("layer0.weight"), TestGraphs.bytes(sd.getArrForVarName("layer0.weight")));
        assertArrayEquals(before.get("layer0.bias"), TestGraphs.bytes(sd.getArrForVarName("layer0.bias")));
        assertFalse(java.util.Arrays.equals(before.get("layer1.weight"),
                TestGraphs.bytes(sd.getArrForVarName("layer1.weight"))), "trainable layer must move");
    }

    @Test
    void nanLossThrowsNamingTheStepAndWritesNoCheckpoint() {
        Path dir = tmp.resolve("ckpt");
        TrainConfig cfg = TrainConfig.of(0.1, 1).withCheckpointEverySteps(1).withLogEverySteps(0);
        BatchSource data = TestGraphs.feed(List.of(new float[] {Float.NaN, 1f}, new float[] {1f, 1f}));

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer().fit(TestGraphs.linear(1f, 2f), "loss", data, cfg, dir));

        assertEquals(1, e.step());
        assertTrue(Double.isNaN(e.loss()));
        assertNull(e.variable());
        assertTrue(e.getMessage().contains("step 1/2") && e.getMessage().contains("NaN"), e.getMessage());
        assertFalse(Files.exists(dir), "no checkpoint directory may be written");
    }

    @Test
    void nanLossMidRunKeepsOnlyTheCheckpointsBeforeIt() {
        Path dir = tmp.resolve("ckpt");
        TrainConfig cfg = TrainConfig.of(0.1, 1).withCheckpointEverySteps(1).withLogEverySteps(0);
        BatchSource data = TestGraphs.feed(List.of(new float[] {1f, 1f}, new float[] {1f, -1f},
                new float[] {Float.NaN, 1f}, new float[] {1f, 1f}));

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer().fit(TestGraphs.linear(1f, 2f), "loss", data, cfg, dir));

        assertEquals(3, e.step());
        assertEquals(List.of(dir.resolve("step-2"), dir.resolve("step-1")), new CheckpointStore(dir).list());
    }

    @Test
    void nonFiniteGradientNamesTheVariable() {
        Path dir = tmp.resolve("ckpt");
        TrainConfig cfg = TrainConfig.of(0.1, 1).withLogEverySteps(0);
        BatchSource data = TestGraphs.feed(List.of(new float[] {1f, 1f}));

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer().fit(TestGraphs.sqrtAtZero(), "loss", data, cfg, dir));

        assertEquals("w", e.variable());
        assertEquals(1.0, e.loss(), 0.0);
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("step 1/1"), e.getMessage());
        assertFalse(Files.exists(dir));
    }

    @Test
    void unknownLossVariableAndUnmatchedPatternAreRejected() {
        TrainConfig cfg = TrainConfig.of(0.1, 1).withLogEverySteps(0);
        BatchSource data = TestGraphs.feed(List.of(new float[] {1f, 1f}));
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> new Trainer().fit(TestGraphs.linear(1f, 1f), "nope", data, cfg, null));
        assertTrue(e1.getMessage().contains("nope"));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> new Trainer().fit(TestGraphs.linear(1f, 1f), "loss", data,
                        cfg.withTrainable(List.of("^encoder\\.")), null));
        assertTrue(e2.getMessage().contains("^encoder\\."), e2.getMessage());
    }
}
