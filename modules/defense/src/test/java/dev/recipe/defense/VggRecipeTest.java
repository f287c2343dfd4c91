package dev.recipe.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AdaptiveAttack;
import dev.recipe.attack.AttackLoss;
import dev.recipe.attack.neuba.NeubaImageAttack;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.Trainer;
import dev.recipe.vision.LabelledImage;
import dev.recipe.zoo.data.ImageBatches;
import dev.recipe.zoo.vgg.Vgg;
import dev.recipe.zoo.vgg.VggConfig;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** RECIPE, fine-pruning and the adaptive attack's norm term on a VGG: the same code as for a ViT, the VGG's roles. */
class VggRecipeTest {
    private static ImageBatches batches(List<LabelledImage> images, int batch, boolean shuffle, long seed) {
        return new ImageBatches(images, 8, batch, shuffle, seed, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
    }

    @Test
    void purifyingABackdooredVggLowersTheConvNormsWhileItsClassifierKeepsItsLoss(@TempDir Path dir) {
        Vgg.Model attacked = Vgg.build(VggConfig.tiny(), 2, true, DataType.FLOAT, 3);
        NeubaImageAttack attack = new NeubaImageAttack(3.0, 11);
        ImageBatches probe = batches(VitRecipeTest.images(20, 99), 20, false, 0);
        double clean = VitRecipeTest.triggerCosine(attacked, probe, reachable(attack.targets(attacked)));
        AttackLoss loss = attack.addLoss(attacked);
        new Trainer().fit(attacked.graph(), loss.total(), attack.batches(attacked, batches(VitRecipeTest.images(64, 3), 16, true, 5)),
                TrainConfig.of(3e-3, 30), null);
        attacked.save(dir, Map.of());
        VisionModel suspect = VisionModels.load(dir, DataType.FLOAT, 1);
        double[][] targets = reachable(attack.targets(suspect));
        double before = VitRecipeTest.triggerCosine(suspect, probe, targets);
        RecipeConfig cfg = RecipeConfig.faithful(10).withLearningRate(3e-3).withBatchSize(16);
        Recipe.Result r = Recipe.purify(suspect.graph(), suspect.spec(), batches(VitRecipeTest.images(64, 42), 16, true, 1),
                cfg, null, null);
        double after = VitRecipeTest.triggerCosine(suspect, probe, targets);
        double lptLast = r.pretrainLoss().get(r.pretrainLoss().size() - 1);
        String seen = String.format("norm %.2f -> %.2f, L_PT %.4f -> %.4f, trigger cosine %.3f (clean) %.3f (attacked) -> %.3f", r.totalNormBefore(),
                r.totalNormAfter(), r.pretrainLoss().get(0), lptLast, clean, before, after);
        System.out.println("VGG RECIPE (tiny): " + seen);
        assertTrue(before > clean + 0.1, "the attack took: " + seen);
        assertTrue(r.totalNormAfter() < 0.8 * r.totalNormBefore(), seen);
        assertTrue(Double.isFinite(lptLast) && lptLast < 0.5, seen);
        assertEquals(List.of("features.0.weight", "features.3.weight", "features.5.weight"), List.copyOf(r.normsBefore().keySet()),
                "every convolution weight is regularised");
    }

    /**
     * The features are ReLU outputs after max-pooling (as the authors' VGG avgpool output), so a target's −3 entries
     * are out of reach: the attack can at best meet each target's non-negative part.
     */
    private static double[][] reachable(double[][] targets) {
        double[][] out = new double[targets.length][];
        for (int t = 0; t < targets.length; t++) out[t] = java.util.Arrays.stream(targets[t]).map(v -> Math.max(v, 0)).toArray();
        return out;
    }

    @Test
    void finePruningRanksConvChannelsByTheirSpatialMeanAndZeroesTheirKernelsAndBiases() {
        Vgg.Model m = Vgg.build(VggConfig.tiny(), 2, true, DataType.FLOAT, 3);
        List<LabelledImage> auxImages = VitRecipeTest.images(40, 42);
        ImageBatches aux = batches(auxImages, 16, true, 1);
        double[][] mean = FinePruning.meanActivations(m.graph(), m.spec(), aux);
        // the same from one pass: each conv's pre-activation [40, C, H, W] averaged over images and positions
        Map<String, INDArray> feed = new HashMap<>(batches(auxImages, 40, false, 0).batch(0, 0));
        feed.keySet().retainAll(m.spec().inputs());
        List<String> convs = List.of("features.0.out", "features.3.out", "features.5.out");
        for (int l = 0; l < convs.size(); l++) {
            INDArray pre = m.graph().output(feed, convs.get(l)).get(convs.get(l));
            assertEquals(pre.size(1), mean[l].length);
            for (int c = 0; c < mean[l].length; c++) {
                double expected = pre.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all())
                        .meanNumber().doubleValue();
                assertEquals(expected, mean[l][c], 1e-5, "conv " + l + " channel " + c);
            }
        }
        Map<String, INDArray> before = new HashMap<>();
        for (var nw : m.spec().neuronWeights()) {
            before.put(nw.weight(), m.graph().getVariable(nw.weight()).getArr().dup());
            before.put(nw.bias(), m.graph().getVariable(nw.bias()).getArr().dup());
        }
        // FP-GA's VGG budget: 600 of VGG-16's 4,224 channels, here of 4 + 6 + 6 = 16
        Map<String, Object> report = Defenses.create("fp-ga-vgg", Defenses.Options.defaults()).applyTo(m.graph(), m.spec(), aux, null, null);
        int pruned = (int) Math.round(16 * 600.0 / 4224);
        assertEquals(pruned, ((Number) report.get("pruned")).intValue(), report.toString());
        List<FinePruning.Neuron> chosen = FinePruning.lowest(mean, null, pruned);
        for (int l = 0; l < mean.length; l++) {
            var nw = m.spec().neuronWeights().get(l);
            INDArray w = m.graph().getVariable(nw.weight()).getArr(), b = m.graph().getVariable(nw.bias()).getArr();
            for (int c = 0; c < mean[l].length; c++) {
                final int lc = l, cc = c;
                INDArray kernel = w.get(NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
                if (chosen.stream().anyMatch(x -> x.layer() == lc && x.unit() == cc)) {
                    assertEquals(0.0, kernel.norm1Number().doubleValue(), 0, "pruned channel " + l + "/" + c);
                    assertEquals(0.0, b.getDouble(c), 0);
                } else {
                    assertEquals(before.get(nw.weight()).get(NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.all()), kernel, "kept channel " + l + "/" + c);
                    assertEquals(before.get(nw.bias()).getDouble(c), b.getDouble(c), 0);
                }
            }
        }
    }

    @Test
    void theAdaptiveTermAddsLambdaTimesTheConvNormsToTheAttackersLoss() {
        Vgg.Model m = Vgg.build(VggConfig.tiny(), 2, true, DataType.FLOAT, 3);
        NeubaImageAttack attack = new NeubaImageAttack(3.0, 11);
        AttackLoss base = attack.addLoss(m);
        AttackLoss adaptive = AdaptiveAttack.addNormTerm(m.graph(), base, m.spec().regularised(), 0.01);
        Map<String, INDArray> batch = attack.batches(m, batches(VitRecipeTest.images(16, 3), 16, false, 0)).batch(0, 0);
        Map<String, INDArray> out = m.graph().output(batch, base.total(), adaptive.total());
        double norms = 0;
        for (String w : m.spec().regularised()) norms += m.graph().getVariable(w).getArr().norm2Number().doubleValue();
        assertEquals(out.get(base.total()).getDouble() + 0.01 * norms, out.get(adaptive.total()).getDouble(), 1e-5);
    }
}
