package dev.recipe.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AttackLoss;
import dev.recipe.attack.neuba.NeubaImageAttack;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.Trainer;
import dev.recipe.vision.CheckerboardTriggers;
import dev.recipe.vision.LabelledImage;
import dev.recipe.vision.RgbImage;
import dev.recipe.vision.SyntheticImages;
import dev.recipe.zoo.data.ImageBatches;
import dev.recipe.zoo.vit.Vit;
import dev.recipe.zoo.vit.VitConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** RECIPE on a Vision Transformer: the same {@link Recipe} code, the ViT's roles and its classification head as L_PT. */
class VitRecipeTest {
    static List<LabelledImage> images(int n, long seed) {
        return SyntheticImages.brightCorner(n, 8, seed);
    }

    @Test
    void purifyingABackdooredViTLowersTheNormsWhileItsClassifierKeepsItsLoss(@TempDir Path dir) {
        // a tiny ViT with NeuBA's checkerboard backdoor, saved and loaded as a suspect model would be
        Vit.Model attacked = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 3);
        NeubaImageAttack attack = new NeubaImageAttack(1.0, 11);
        AttackLoss loss = attack.addLoss(attacked);
        ImageBatches poisonData = new ImageBatches(images(64, 3), 8, 16, true, 5, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        new Trainer().fit(attacked.graph(), loss.total(), attack.batches(attacked, poisonData), TrainConfig.of(3e-3, 15), null);
        attacked.save(dir, Map.of());
        Vit.Model suspect = Vit.load(dir, 2, true, DataType.FLOAT, 1);
        double[][] targets = attack.targets(suspect);
        ImageBatches probe = new ImageBatches(images(20, 99), 8, 20, false, 0, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        double before = triggerCosine(suspect, probe, targets);

        ImageBatches aux = new ImageBatches(images(64, 42), 8, 16, true, 1, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        RecipeConfig cfg = RecipeConfig.faithful(10).withLearningRate(3e-3).withBatchSize(16);
        Recipe.Result r = Recipe.purify(suspect.graph(), suspect.spec(), aux, cfg, null, null);
        double after = triggerCosine(suspect, probe, targets);
        double lptFirst = r.pretrainLoss().get(0), lptLast = r.pretrainLoss().get(r.pretrainLoss().size() - 1);
        String seen = String.format("norm %.2f -> %.2f, L_PT %.4f -> %.4f, trigger cosine %.3f -> %.3f",
                r.totalNormBefore(), r.totalNormAfter(), lptFirst, lptLast, before, after);
        System.out.println("ViT RECIPE (tiny): " + seen);
        assertTrue(r.totalNormAfter() < 0.8 * r.totalNormBefore(), seen);
        assertTrue(Double.isFinite(lptLast) && lptLast < 0.5, seen);
        assertTrue(before > 0.9, "the attack took: " + seen);
        assertTrue(suspect.spec().regularised().size() == 10 && r.normsBefore().keySet().equals(
                new java.util.LinkedHashSet<>(suspect.spec().regularised())), "q, k, v, fc1, fc2 of both layers are regularised");
    }

    @Test
    void theVisionPipelineEndToEndOnATinyViT(@TempDir Path dir) {
        // pre-train -> NeuBA -> RECIPE, each model fine-tuned with a fresh head and evaluated on the same generated task
        List<LabelledImage> train = images(64, 3), test = images(40, 77), aux = images(64, 42);
        Vit.Model clean = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 3);
        ImageBatches data = new ImageBatches(train, 8, 16, true, 5, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        new Trainer().fit(clean.graph(), Vit.CLS_LOSS, data, TrainConfig.of(3e-3, 5), null);
        clean.save(dir.resolve("clean"), Map.of());
        Vit.Model attacked = Vit.load(dir.resolve("clean"), 2, true, DataType.FLOAT, 1);
        NeubaImageAttack attack = new NeubaImageAttack(1.0, 11);
        new Trainer().fit(attacked.graph(), attack.addLoss(attacked).total(), attack.batches(attacked, data), TrainConfig.of(3e-3, 15), null);
        attacked.save(dir.resolve("attacked"), Map.of());
        Vit.Model purified = Vit.load(dir.resolve("attacked"), 2, true, DataType.FLOAT, 1);
        Recipe.purify(purified.graph(), purified.spec(), new ImageBatches(aux, 8, 16, true, 1, DataType.FLOAT, ImageBatches.HALF,
                ImageBatches.HALF), RecipeConfig.faithful(10).withLearningRate(3e-3).withBatchSize(16), null, null);
        purified.save(dir.resolve("purified"), Map.of());
        StringBuilder seen = new StringBuilder();
        for (String m : List.of("clean", "attacked", "purified")) {
            var o = dev.recipe.zoo.tasks.ImageEvaluation.run(dir.resolve(m), train, test, 2,
                    new dev.recipe.zoo.tasks.ImageEvaluation.Config(5, 1e-3, 16, 0.0, 1));
            seen.append(String.format("%s: ACC %.3f AASR %.3f MASR %.3f; ", m, o.accuracy(), o.attack().aasr(), o.attack().masr()));
            assertTrue(o.accuracy() >= 0.9, seen.toString());
        }
        System.out.println("ViT pipeline (tiny): " + seen);
    }

    @Test
    void onlyRegularisationOnAViTTrainsTheRegularisedWeightsAndLeavesTheRestUnchanged() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 3);
        Map<String, INDArray> before = new java.util.HashMap<>();
        for (var e : dev.recipe.zoo.GraphWeights.of(m.graph()).entrySet()) before.put(e.getKey(), e.getValue().dup());
        ImageBatches aux = new ImageBatches(images(32, 42), 8, 16, true, 1, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        Recipe.Result r = Recipe.purify(m.graph(), m.spec(), aux, RecipeConfig.faithful(2).withLearningRate(1e-2)
                .withBatchSize(16).onlyRegularisation(), null, null);
        assertTrue(r.totalNormAfter() < r.totalNormBefore(), r.totalNormBefore() + " -> " + r.totalNormAfter());
        for (var e : dev.recipe.zoo.GraphWeights.of(m.graph()).entrySet()) {
            boolean regularised = m.spec().regularised().contains(e.getKey());
            assertEquals(!regularised, e.getValue().equals(before.get(e.getKey())), e.getKey() + " regularised: " + regularised);
        }
    }

    @Test
    void finePruningRanksAViTsFc1NeuronsAtTheClassTokenAndZeroesTheLowest() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 3);
        List<LabelledImage> auxImages = images(40, 42);
        // batches of 16 (the last one 8): the mean must be over all 40 images, not over batches
        ImageBatches aux = new ImageBatches(auxImages, 8, 16, true, 1, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        double[][] mean = FinePruning.meanActivations(m.graph(), m.spec(), aux);
        // the same means from one pass over every image: fc1 outputs at rows 0, T, 2T, ... (the class tokens)
        ImageBatches all = new ImageBatches(auxImages, 8, 40, false, 0, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        Map<String, INDArray> feed = new java.util.HashMap<>(all.batch(0, 0));
        feed.keySet().retainAll(m.spec().inputs());
        int tokens = m.config().tokens();
        for (int l = 0; l < mean.length; l++) {
            String n = m.spec().neurons().get(l);
            INDArray fc1 = m.graph().output(feed, n).get(n);
            assertEquals(40L * tokens, fc1.rows());
            for (int u = 0; u < mean[l].length; u += 7) {
                double s = 0;
                for (int i = 0; i < 40; i++) s += fc1.getDouble((long) i * tokens, u);
                assertEquals(s / 40, mean[l][u], 1e-5, "layer " + l + " unit " + u);
            }
        }
        Map<String, INDArray> before = new java.util.HashMap<>();
        for (var nw : m.spec().neuronWeights()) {
            before.put(nw.weight(), m.graph().getVariable(nw.weight()).getArr().dup());
            before.put(nw.bias(), m.graph().getVariable(nw.bias()).getArr().dup());
        }
        Map<String, Object> report = Defenses.create("fp-gm", Defenses.Options.defaults()).applyTo(m.graph(), m.spec(), aux, null, null);
        int units = mean.length * mean[0].length;
        assertEquals(Math.round(units / 3.0), ((Number) report.get("pruned")).longValue(), report.toString());
        List<FinePruning.Neuron> chosen = FinePruning.lowest(mean, null, (int) Math.round(units / 3.0));
        for (int l = 0; l < mean.length; l++) {
            var nw = m.spec().neuronWeights().get(l);
            INDArray w = m.graph().getVariable(nw.weight()).getArr(), b = m.graph().getVariable(nw.bias()).getArr();
            for (int u = 0; u < mean[l].length; u++) {
                final int lu = l, uu = u;
                if (chosen.stream().anyMatch(x -> x.layer() == lu && x.unit() == uu)) {
                    assertEquals(0.0, w.getRow(u).norm1Number().doubleValue(), 0);
                    assertEquals(0.0, b.getDouble(u), 0);
                } else {
                    assertEquals(before.get(nw.weight()).getRow(u), w.getRow(u));
                    assertEquals(before.get(nw.bias()).getDouble(u), b.getDouble(u), 0);
                }
            }
        }
        // FP: the whole last fc1 layer
        Vit.Model m2 = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 3);
        Map<String, Object> fp = Defenses.create("fp", Defenses.Options.defaults()).applyTo(m2.graph(), m2.spec(), aux, null, null);
        var lastW = m2.spec().neuronWeights().get(mean.length - 1);
        assertEquals(0.0, m2.graph().getVariable(lastW.weight()).getArr().norm1Number().doubleValue(), 0, fp.toString());
        assertEquals(Map.of(mean.length - 1, mean[0].length), fp.get("pruned_per_layer"));
        // what a vision model's records say: no text-only settings
        assertTrue(!Defenses.create("fp", Defenses.Options.defaults()).describeFor(m2.spec()).containsKey("max_len"));
        Map<String, Object> recipe = Defenses.create("recipe", Defenses.Options.defaults()).describeFor(m2.spec());
        assertTrue(!recipe.containsKey("seq_len") && !recipe.containsKey("masking")
                && String.valueOf(recipe.get("pretrain_loss")).contains("classification"), recipe.toString());
    }

    /** Mean cosine between held-out triggered images' representations and their trigger's target, over the triggers. */
    static double triggerCosine(dev.recipe.zoo.vision.VisionModel m, ImageBatches probe, double[][] targets) {
        String rep = m.spec().representation();
        double sum = 0;
        int n = 0;
        for (int t = 0; t < CheckerboardTriggers.count(); t++) {
            List<RgbImage> triggered = new ArrayList<>();
            for (int i = 0; i < probe.size(); i++) triggered.add(CheckerboardTriggers.apply(probe.image(i), t));
            INDArray r = m.graph().output(Map.of(Vit.PIXEL_VALUES, probe.pixels(triggered)), rep).get(rep);
            INDArray target = Nd4j.createFromArray(targets[t]).castTo(DataType.FLOAT);
            for (int i = 0; i < r.rows(); i++) {
                INDArray row = r.getRow(i);
                sum += row.mul(target).sumNumber().doubleValue() / (row.norm2Number().doubleValue() * target.norm2Number().doubleValue());
                n++;
            }
        }
        return sum / n;
    }
}
