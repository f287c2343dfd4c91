package dev.recipe.interop.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.SharedData;
import dev.recipe.nn.GradientCheck;
import io.jhdf.HdfFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The real Keras 2.2.2 file 48net_complete.h5 (MTCNN's O-Net from DL4J's test resources: Conv2D, PReLU with shared
 * axes, MaxPooling2D "same" and "valid", Permute(3, 2, 1), Flatten, Dense with softmax, three outputs).
 *
 * <p>References: (1) an independent plain-loop forward pass in double precision ({@link Ref}) from the weights read
 * directly with jhdf; (2) DL4J's own {@code KerasModelImport} 1.0.0-M2.1, which is <em>wrong</em> on this file in two
 * ways — it leaves every PReLU alpha at zero (the alpha weights are not loaded) and its Permute → Flatten fails at
 * inference ("expected [minibatch, inputHeight=3, inputWidth=3, numChannels=128] but got [2, 3, 128, 3]") — so it
 * serves as a peer for the convolution, pooling, PReLU and Dense arithmetic only after its alphas are set from the
 * file, layer by layer, with the permute and flatten done by hand.
 */
class Keras48netTest {
    static final String FILE = "models/dl4j-keras/48net_complete.h5";
    static final List<String> OUTPUTS = List.of("conv6-1", "conv6-2", "conv6-3");
    static final double TOL = 1e-5;

    static INDArray input(int n, DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        // MTCNN's inputs are (pixel − 127.5) / 128, i.e. in [−1, 1]
        return Nd4j.rand(DataType.DOUBLE, n, 48, 48, 3).muli(2).subi(1).castTo(type);
    }

    @Test
    void importsTrainableFloat32VariablesWithKerasNamesAndShapes() {
        Path file = SharedData.require(FILE);
        KerasGraph g = KerasImporter.importModel(file);
        assertEquals("2.2.2", g.kerasVersion());
        assertEquals(List.of("input_1"), List.copyOf(g.inputs().keySet()));
        assertEquals(OUTPUTS, List.copyOf(g.outputs().keySet()));
        assertArrayEquals(new long[] {-1, 48, 48, 3}, g.variable("input_1").getShape());
        assertEquals(21, g.variables().size(), g.variables().toString());
        assertTrue(g.constants().isEmpty());
        long params = 0;
        for (Map.Entry<String, String> e : g.variables().entrySet()) {
            SDVariable v = g.sd().getVariable(e.getValue());
            assertEquals(VariableType.VARIABLE, v.getVariableType(), e.getKey());
            assertEquals(DataType.FLOAT, v.getArr().dataType(), e.getKey());
            assertEquals(e.getKey().replace(":0", ""), e.getValue());
            params += v.getArr().length();
        }
        assertEquals(389_040, params, "parameters (DL4J's summary of the same file says 389,040)");
        assertArrayEquals(new long[] {3, 3, 3, 32}, g.variable("conv1/kernel:0").getArr().shape());
        assertArrayEquals(new long[] {1, 1, 32}, g.variable("prelu1/alpha:0").getArr().shape());
        assertArrayEquals(new long[] {1152, 256}, g.variable("conv5/kernel:0").getArr().shape());
    }

    @Test
    void outputsMatchAnIndependentPlainLoopReference() throws Exception {
        Path file = SharedData.require(FILE);
        INDArray x = input(4, DataType.FLOAT, 42);
        Map<String, Ref> ref = reference(file, Ref.of(x));
        long t0 = System.nanoTime();
        KerasGraph g = KerasImporter.importModel(file);
        long t1 = System.nanoTime();
        Map<String, INDArray> out = g.run(Map.of("input_1", x));
        long t2 = System.nanoTime();
        System.out.printf("48net float32: import %.2f s, first forward pass (batch 4) %.2f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        double worst = 0;
        for (String o : OUTPUTS) {
            assertEquals(DataType.FLOAT, out.get(o).dataType());
            double d = ref.get(o).maxAbsDiff(out.get(o));
            System.out.printf("  %s: max |ours − reference| = %.3e (outputs up to %.3f)%n", o, d, maxAbs(ref.get(o)));
            worst = Math.max(worst, d);
        }
        double conv1 = ref.get("conv1").maxAbsDiff(g.run(Map.of("input_1", x), "conv1").get("conv1"));
        System.out.printf("  conv1 (first layer, by hand): max |diff| = %.3e%n", conv1);
        assertTrue(conv1 < TOL, "conv1 differs by " + conv1);
        assertTrue(worst < TOL, "outputs differ from the reference by " + worst);

        KerasGraph gd = KerasImporter.importModel(file, DataType.DOUBLE);
        Map<String, INDArray> outD = gd.run(Map.of("input_1", x.castTo(DataType.DOUBLE)));
        double worstD = 0;
        for (String o : OUTPUTS) worstD = Math.max(worstD, ref.get(o).maxAbsDiff(outD.get(o)));
        System.out.printf("48net float64 import: max |ours − reference| = %.3e%n", worstD);
        assertTrue(worstD < 1e-10, "double-precision import differs from the reference by " + worstD);
    }

    @Test
    void matchesDl4jOnceItsPReLUAlphasAreRestored() throws Exception {
        Path file = SharedData.require(FILE);
        INDArray x = input(3, DataType.FLOAT, 7);
        ComputationGraph cg = KerasModelImport.importKerasModelAndWeights(file.toString());
        boolean alphasZero = true;
        try (HdfFile h5 = new HdfFile(file)) {
            for (int i = 1; i <= 5; i++) {
                String n = "prelu" + i;
                INDArray dl4jAlpha = cg.getLayer(n).getParam("W");
                alphasZero &= dl4jAlpha.sumNumber().doubleValue() == 0 && dl4jAlpha.amaxNumber().doubleValue() == 0;
                Ref a = weight(h5, n + "/" + n + "/alpha:0");
                cg.getLayer(n).setParam("W", a.toArray().castTo(DataType.FLOAT).reshape(dl4jAlpha.shape()));
            }
        }
        System.out.println("DL4J KerasModelImport left every PReLU alpha at zero: " + alphasZero);
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        INDArray h = x;
        for (String n : List.of("conv1", "prelu1", "max_pooling2d_1", "conv2", "prelu2", "max_pooling2d_2", "conv3",
                "prelu3", "max_pooling2d_3", "conv4", "prelu4")) {
            h = cg.getLayer(n).activate(h, false, ws).dup();
        }
        h = h.permute(0, 3, 2, 1).dup('c').reshape(h.size(0), 1152); // Permute(3, 2, 1) + Flatten, by hand
        for (String n : List.of("conv5", "prelu5")) h = cg.getLayer(n).activate(h, false, ws).dup();
        KerasGraph g = KerasImporter.importModel(file);
        Map<String, INDArray> out = g.run(Map.of("input_1", x));
        double worst = 0;
        for (String o : OUTPUTS) {
            Layer l = cg.getLayer(o);
            INDArray peer = l.activate(h, false, ws);
            double d = Ref.of(peer).maxAbsDiff(out.get(o));
            System.out.printf("  %s: max |ours − DL4J (alphas restored)| = %.3e%n", o, d);
            worst = Math.max(worst, d);
        }
        assertTrue(worst < TOL, "outputs differ from DL4J's layers by " + worst);
    }

    /**
     * A scalar loss {@code Σ_k Σ output_k ⊙ R_k} (R_k fixed random) on the double-precision import; SameDiff's gradient
     * of a convolution kernel, a dense weight, a PReLU alpha and a bias against central finite differences. Step 1e-5:
     * at 1e-6 the loss's rounding noise (~1e-15 / 2ε) gave a relative error of 6.6e-5 on a gradient of 1.3e-6
     * (absolute 1.7e-10); at 1e-5 the worst was 4.1e-6 (measured).
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        Path file = SharedData.require(FILE);
        KerasGraph g = KerasImporter.importModel(file, DataType.DOUBLE);
        SameDiff sd = g.sd();
        Nd4j.getRandom().setSeed(3);
        SDVariable loss = null;
        long[] widths = {2, 4, 10};
        for (int k = 0; k < OUTPUTS.size(); k++) {
            SDVariable out = g.variable(OUTPUTS.get(k));
            SDVariable r = sd.constant(Nd4j.randn(DataType.DOUBLE, 2, widths[k]));
            SDVariable term = sd.sum(out.mul(r));
            loss = loss == null ? term : loss.add(term);
        }
        loss.rename("loss");
        Map<String, INDArray> ph = Map.of(g.inputs().get("input_1"), input(2, DataType.DOUBLE, 5));
        List<String> vars = List.of(g.variables().get("conv1/kernel:0"), g.variables().get("conv5/kernel:0"),
                g.variables().get("prelu2/alpha:0"), g.variables().get("conv6-3/bias:0"));
        long t0 = System.nanoTime();
        GradientCheck.Report report = GradientCheck.check(sd, "loss", ph, vars, 6, 1e-5, 11);
        System.out.printf("48net gradient check (%.1f s): %s%n", (System.nanoTime() - t0) / 1e9, report);
        for (GradientCheck.Entry e : report.entries()) {
            System.out.printf("  %s[%d]: analytic %.9e numeric %.9e rel %.2e%n", e.variable(), e.index(), e.analytic(), e.numeric(), e.relError());
        }
        assertTrue(report.passed(1e-5, 1e-9), report.toString());
    }

    /** The imported graph trains: a few Adam steps of a hand-built squared error lower it and move the first kernel. */
    @Test
    void trainsWithSameDiffFit() {
        Path file = SharedData.require(FILE);
        KerasGraph g = KerasImporter.importModel(file);
        SameDiff sd = g.sd();
        SDVariable target = sd.placeHolder("target", DataType.FLOAT, -1, 4);
        SDVariable diff = g.variable("conv6-2").sub(target);
        sd.sum("loss", diff.mul(diff)).div(8);
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3))
                .dataSetFeatureMapping(g.inputs().get("input_1")).dataSetLabelMapping("target").build());
        INDArray x = input(8, DataType.FLOAT, 9);
        Nd4j.getRandom().setSeed(10);
        INDArray y = Nd4j.rand(DataType.FLOAT, 8, 4).subi(0.5);
        Map<String, INDArray> ph = new LinkedHashMap<>(Map.of(g.inputs().get("input_1"), x, "target", y));
        double before = sd.output(ph, "loss").get("loss").getDouble(0);
        INDArray k0 = g.variable("conv1/kernel:0").getArr().dup();
        MultiDataSet batch = new MultiDataSet(new INDArray[] {x}, new INDArray[] {y});
        for (int i = 0; i < 10; i++) sd.fit(batch);
        double after = sd.output(ph, "loss").get("loss").getDouble(0);
        double moved = g.variable("conv1/kernel:0").getArr().sub(k0).amaxNumber().doubleValue();
        System.out.printf("48net, 10 Adam steps: loss %.5f -> %.5f, conv1/kernel moved by up to %.2e%n", before, after, moved);
        assertTrue(after < before, "loss did not fall: " + before + " -> " + after);
        assertTrue(moved > 0, "conv1/kernel did not change");
    }

    private static double maxAbs(Ref r) {
        double m = 0;
        for (double v : r.v()) m = Math.max(m, Math.abs(v));
        return m;
    }

    static Ref weight(HdfFile h5, String path) {
        io.jhdf.api.Dataset ds = h5.getDatasetByPath("model_weights/" + path);
        return Ref.of((float[]) ds.getDataFlat(), ds.getDimensionsAsLong());
    }

    /** 48net's forward pass, written out from its model_config, with plain loops; keys are layer names. */
    static Map<String, Ref> reference(Path file, Ref x) {
        Map<String, Ref> out = new LinkedHashMap<>();
        try (HdfFile h5 = new HdfFile(file)) {
            Ref h = x;
            int[][] pools = {{3, 2, 1}, {3, 2, 0}, {2, 2, 0}}; // size, stride, same?
            for (int i = 1; i <= 4; i++) {
                String c = "conv" + i, p = "prelu" + i;
                h = Ref.conv2d(h, weight(h5, c + "/" + c + "/kernel:0"), weight(h5, c + "/" + c + "/bias:0").v(), 1, 1, false);
                if (i == 1) out.put("conv1", h);
                h = Ref.prelu(h, weight(h5, p + "/" + p + "/alpha:0"));
                if (i <= 3) h = Ref.pool(h, pools[i - 1][0], pools[i - 1][0], pools[i - 1][1], pools[i - 1][1], pools[i - 1][2] == 1, true);
            }
            h = Ref.flatten(Ref.permute(h, 0, 3, 2, 1));
            h = Ref.dense(h, weight(h5, "conv5/conv5/kernel:0"), weight(h5, "conv5/conv5/bias:0").v());
            h = Ref.prelu(h, weight(h5, "prelu5/prelu5/alpha:0"));
            for (String o : OUTPUTS) {
                Ref y = Ref.dense(h, weight(h5, o + "/" + o + "/kernel:0"), weight(h5, o + "/" + o + "/bias:0").v());
                out.put(o, o.equals("conv6-1") ? Ref.softmax(y) : y);
            }
        }
        return out;
    }
}
