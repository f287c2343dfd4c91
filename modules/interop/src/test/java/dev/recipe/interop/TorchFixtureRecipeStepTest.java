package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.recipe.nn.GradientCheck;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * One RECIPE step on the imported PyTorch BERT fixture (bert_opset14.onnx, HuggingFace names, tied MLM decoder):
 * {@code L = masked-LM cross-entropy + λ·Σ_l ‖W_l‖₂} over the intermediate dense weights
 * {@code bert.encoder.layer.N.intermediate.dense.weight}, taken from the graph's {@link ImportedRoles} (SPEC §4, as
 * {@code dev.recipe.defense.Recipe#addLoss}:
 * {@link Losses#sumOfNorms}, un-squared Frobenius norms), added to the imported graph in double precision. Its
 * gradients are checked by central finite differences, then one {@code sd.fit} SGD step on the regularised weights
 * (every other weight frozen) must move them by exactly −lr·∇L and lower both the loss and the norm term.
 */
class TorchFixtureRecipeStepTest {
    private static final double LAMBDA = 1.0;
    /** Central-difference step; the loss is O(1) and its rounding noise ~1e-15, so ε = 1e-4 leaves ~1e-11 noise. */
    private static final double EPS = 1e-4;
    private static final double MAX_REL = 1e-5;
    private static final double ABS_TOL = 1e-8;
    private static final double LR = 0.05;
    private static final long MASK_ID = 99;
    /** Masked (row, position) pairs; the second row's real tokens are positions 0-6. */
    private static final int[][] MASKED = {{0, 2}, {0, 5}, {0, 9}, {1, 1}, {1, 4}};
    /** What the roles must name (the BERT family's regularised weights). */
    private static final List<String> REGULARISED = List.of("bert.encoder.layer.0.intermediate.dense.weight",
            "bert.encoder.layer.1.intermediate.dense.weight");

    /** The BERT roles of the imported graph; the regularised weights are checked against {@link #REGULARISED}. */
    private static ModelSpec roles(OnnxGraph g) {
        ModelSpec spec = ImportedRoles.assign(g).spec();
        assertEquals(REGULARISED, spec.regularised(), "regularised weights from the roles");
        return spec;
    }

    /** The imported graph with the RECIPE loss "recipe_loss" (MLM labels are the placeholder "mlm_labels"). */
    private static OnnxGraph withRecipeLoss(TorchFixture f) {
        OnnxGraph g = OnnxImporter.importModel(TorchFixture.model("bert", TorchFixture.NAMED_OPSET), DataType.DOUBLE);
        SameDiff sd = g.sd();
        long b = f.inputs.get("input_ids").size(0), s = f.inputs.get("input_ids").size(1);
        int vocab = (int) g.variable("cls.predictions.bias").getArr().length();
        // logits of the masked positions only: a one-hot [M, B·S] selection times the flattened [B·S, V] logits
        INDArray select = Nd4j.zeros(DataType.DOUBLE, MASKED.length, b * s);
        for (int m = 0; m < MASKED.length; m++) select.putScalar(m, MASKED[m][0] * s + MASKED[m][1], 1.0);
        SDVariable flat = sd.reshape(g.variable("prediction_logits"), -1, vocab);
        SDVariable masked = sd.mmul(sd.constant(select), flat);
        SDVariable labels = sd.placeHolder("mlm_labels", DataType.LONG, MASKED.length);
        SDVariable mlm = Losses.crossEntropy(sd, "mlm_loss", masked, labels, vocab);
        List<SDVariable> reg = new ArrayList<>();
        for (String w : roles(g).regularised()) reg.add(sd.getVariable(w));
        SDVariable norm = Losses.sumOfNorms(sd, "recipe_norm", reg);
        mlm.add("recipe_loss", norm.mul(LAMBDA));
        sd.setLossVariables("recipe_loss");
        return g;
    }

    /** Placeholders: the fixture's inputs with MASK_ID at the masked positions, and the original ids as labels. */
    private static Map<String, INDArray> feeds(OnnxGraph g, TorchFixture f) {
        INDArray ids = f.inputs.get("input_ids").dup();
        long[] labels = new long[MASKED.length];
        for (int m = 0; m < MASKED.length; m++) {
            labels[m] = ids.getLong(MASKED[m][0], MASKED[m][1]);
            ids.putScalar(new long[] {MASKED[m][0], MASKED[m][1]}, MASK_ID);
        }
        Map<String, INDArray> ph = new LinkedHashMap<>();
        ph.put(g.inputs().get("input_ids"), ids);
        ph.put(g.inputs().get("attention_mask"), f.inputs.get("attention_mask"));
        ph.put(g.inputs().get("token_type_ids"), f.inputs.get("token_type_ids"));
        ph.put("mlm_labels", Nd4j.createFromArray(labels));
        return ph;
    }

    private static double value(SameDiff sd, Map<String, INDArray> ph, String name) {
        return sd.output(ph, name).get(name).getDouble(0);
    }

    @Test
    void gradientsOfTheRecipeLossMatchFiniteDifferences() {
        TorchFixture f = TorchFixture.load("bert");
        OnnxGraph g = withRecipeLoss(f);
        Map<String, INDArray> ph = feeds(g, f);
        List<String> vars = new ArrayList<>();
        vars.addAll(roles(g).regularised());
        // also through the rest of the layer and the tied embedding / decoder weight (Gather + MatMul)
        for (String w : List.of("bert.encoder.layer.1.intermediate.dense.bias", "bert.encoder.layer.0.attention.self.query.weight",
                "bert.embeddings.word_embeddings.weight", "bert.embeddings.LayerNorm.weight")) {
            vars.add(g.variables().get(w));
        }
        GradientCheck.Report r = GradientCheck.check(g.sd(), "recipe_loss", ph, vars, 12, EPS, 5);
        System.out.println("RECIPE loss on the imported BERT fixture, gradient check: " + r);
        for (GradientCheck.Entry e : r.entries()) {
            System.out.printf("  %s[%d]: analytic %.9e numeric %.9e rel %.2e%n", e.variable(), e.index(), e.analytic(), e.numeric(), e.relError());
        }
        double worstAboveTol = 0, worstRegularised = 0;
        for (GradientCheck.Entry e : r.entries()) {
            if (Math.abs(e.analytic() - e.numeric()) > ABS_TOL || Math.abs(e.numeric()) > ABS_TOL) worstAboveTol = Math.max(worstAboveTol, e.relError());
            if (e.variable().endsWith("intermediate.dense.weight")) worstRegularised = Math.max(worstRegularised, e.relError());
        }
        System.out.printf("worst relative error: %.2e over entries with |gradient| > %.0e, %.2e over the intermediate dense weights%n",
                worstAboveTol, ABS_TOL, worstRegularised);
        assertEquals(72, r.entries().size());
        assertTrue(r.passed(MAX_REL, ABS_TOL), r.toString());
    }

    @Test
    void oneSgdStepMovesTheRegularisedWeightsByTheGradientAndLowersLossAndNorm() {
        TorchFixture f = TorchFixture.load("bert");
        OnnxGraph g = withRecipeLoss(f);
        SameDiff sd = g.sd();
        Map<String, INDArray> ph = feeds(g, f);
        // RECIPE trains what the roles' recipeTrainable patterns select: for BERT exactly the regularised weights
        List<String> patterns = roles(g).recipeTrainable();
        List<String> trained = g.variables().values().stream()
                .filter(v -> patterns.stream().anyMatch(p -> Pattern.compile(p).matcher(v).find())).toList();
        assertEquals(REGULARISED, trained);
        for (String v : g.variables().values()) if (!trained.contains(v)) sd.convertToConstant(sd.getVariable(v));

        double loss0 = value(sd, ph, "recipe_loss"), norm0 = value(sd, ph, "recipe_norm"), mlm0 = value(sd, ph, "mlm_loss");
        Map<String, INDArray> grads = sd.calculateGradients(ph, trained);
        Map<String, INDArray> before = new LinkedHashMap<>();
        double gradSq = 0;
        for (String v : trained) {
            before.put(v, sd.getVariable(v).getArr().dup());
            gradSq += grads.get(v).mul(grads.get(v)).sumNumber().doubleValue();
        }
        INDArray frozenBefore = g.variable("bert.encoder.layer.0.output.dense.weight").getArr().dup();

        sd.setTrainingConfig(TrainingConfig.builder().updater(new Sgd(LR))
                .dataSetFeatureMapping(g.inputs().get("input_ids"), g.inputs().get("attention_mask"), g.inputs().get("token_type_ids"))
                .dataSetLabelMapping("mlm_labels").build());
        INDArray[] features = {ph.get(g.inputs().get("input_ids")), ph.get(g.inputs().get("attention_mask")),
                ph.get(g.inputs().get("token_type_ids"))};
        sd.fit(new MultiDataSet(features, new INDArray[] {ph.get("mlm_labels")}));

        double loss1 = value(sd, ph, "recipe_loss"), norm1 = value(sd, ph, "recipe_norm"), mlm1 = value(sd, ph, "mlm_loss");
        double predicted = -LR * gradSq;
        System.out.printf("one RECIPE step (SGD, lr %.2f, λ %.1f) on the imported BERT fixture: loss %.6f -> %.6f "
                + "(first-order prediction %.6f, actual %.6f), Σ‖W_intermediate‖₂ %.6f -> %.6f, MLM loss %.6f -> %.6f%n",
                LR, LAMBDA, loss0, loss1, predicted, loss1 - loss0, norm0, norm1, mlm0, mlm1);
        for (String v : trained) {
            INDArray expected = before.get(v).sub(grads.get(v).mul(LR));
            double d = expected.sub(sd.getVariable(v).getArr()).amaxNumber().doubleValue();
            assertTrue(d < 1e-12, v + ": the step differs from -lr·gradient by up to " + d);
        }
        assertEquals(frozenBefore, g.variable("bert.encoder.layer.0.output.dense.weight").getArr(), "a frozen weight moved");
        assertTrue(loss1 < loss0, "loss did not fall: " + loss0 + " -> " + loss1);
        assertTrue(norm1 < norm0, "the norm term did not fall: " + norm0 + " -> " + norm1);
        assertEquals(predicted, loss1 - loss0, 0.05 * Math.abs(predicted), "loss change vs its first-order prediction");
    }
}
