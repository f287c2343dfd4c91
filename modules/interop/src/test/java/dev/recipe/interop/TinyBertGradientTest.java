package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.nn.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients flow through the imported tinybert: a scalar loss {@code Σ output_1² + Σ output_0 ⊙ R} (R a fixed random
 * array) is added to the imported graph (imported in double precision) and SameDiff's gradients of initializer
 * variables are compared with central finite differences. (Σ output_0² alone is useless here: the untrained model's
 * final LayerNorm has gain 1 and bias 0, so Σ output_0² = tokens × hidden whatever the weights before it.) The batch holds two sentences, the second padded, so that the attention mask and the
 * batch broadcast of the position embeddings are exercised.
 */
class TinyBertGradientTest {
    /**
     * Central-difference step. 1e-4, not 1e-6: the query weight's gradients are ~1e-5, and at ε = 1e-6 the rounding
     * noise of the loss (~1e-13 / 2ε) alone gave relative errors of 3e-4; at 1e-4 they are 4e-7 (measured).
     */
    private static final double EPS = 1e-4;
    private static final double MAX_REL = 1e-5;
    private static final double ABS_TOL = 1e-8;

    @Test
    void initializerGradientsMatchFiniteDifferences() {
        TinyBertFixture f = TinyBertFixture.load();
        OnnxGraph g = OnnxImporter.importModel(f.model, DataType.DOUBLE);
        SameDiff sd = g.sd();
        int s = f.ids.length;
        SDVariable pooled = g.variable("output_1"), states = g.variable("output_0");
        Nd4j.getRandom().setSeed(11);
        SDVariable r = sd.constant(Nd4j.randn(DataType.DOUBLE, 2, s, 50));
        sd.sum(pooled.mul(pooled)).add("loss", sd.sum(states.mul(r)));

        long[][] ids = new long[2][s];
        long[][] mask = new long[2][s];
        for (int t = 0; t < s; t++) {
            ids[0][t] = f.ids[t];
            mask[0][t] = 1;
            ids[1][t] = t < 6 ? f.ids[t + 3] : 0;
            mask[1][t] = t < 6 ? 1 : 0;
        }
        Map<String, INDArray> ph = Map.of(g.inputs().get("input_ids"), Nd4j.createFromArray(ids),
                g.inputs().get("attention_mask"), Nd4j.createFromArray(mask),
                g.inputs().get("token_type_ids"), Nd4j.zeros(DataType.LONG, 2, s));

        // the intermediate (FFN) weight is the anonymous initializer "193" in PyTorch's export: [50, 200] = Wᵀ
        List<String> vars = new ArrayList<>();
        for (String onnx : List.of("193", "encoder.layer.0.intermediate.dense.bias", "182",
                "encoder.layer.0.attention.output.LayerNorm.weight", "pooler.dense.weight")) {
            vars.add(g.variables().get(onnx));
        }
        GradientCheck.Report report = GradientCheck.check(sd, "loss", ph, vars, 8, EPS, 7);
        System.out.println("tinybert gradient check (random entries): " + report);
        assertTrue(report.passed(MAX_REL, ABS_TOL), report.toString());

        // embedding tables: only looked-up rows have gradient, so check entries of rows the batch uses
        Map<String, INDArray> grads = sd.calculateGradients(ph, "embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight");
        double worst = 0;
        long[][] picks = {{f.ids[1], 3}, {f.ids[4], 17}, {f.ids[s - 2], 49}};
        for (String table : grads.keySet()) {
            for (long[] p : picks) {
                long row = table.contains("word") ? p[0] : table.contains("position") ? p[1] % s : 0;
                worst = Math.max(worst, relError(sd, ph, table, grads.get(table), row, p[1] % 50));
            }
        }
        System.out.printf("tinybert gradient check (embedding rows in use): worst relative error %.3e%n", worst);
        assertTrue(worst < MAX_REL, "embedding gradient relative error " + worst);
    }

    private static double relError(SameDiff sd, Map<String, INDArray> ph, String var, INDArray grad, long row, long col) {
        INDArray w = sd.getVariable(var).getArr();
        double orig = w.getDouble(row, col);
        w.putScalar(new long[] {row, col}, orig + EPS);
        double plus = sd.output(ph, "loss").get("loss").getDouble(0);
        w.putScalar(new long[] {row, col}, orig - EPS);
        double minus = sd.output(ph, "loss").get("loss").getDouble(0);
        w.putScalar(new long[] {row, col}, orig);
        double numeric = (plus - minus) / (2 * EPS), analytic = grad.getDouble(row, col);
        System.out.printf("  %s[%d,%d]: analytic %.9e numeric %.9e%n", var, row, col, analytic, numeric);
        return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-12);
    }
}
