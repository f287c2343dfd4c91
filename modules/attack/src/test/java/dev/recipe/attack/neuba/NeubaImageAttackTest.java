package dev.recipe.attack.neuba;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.AttackLoss;
import dev.recipe.nn.GradientCheck;
import dev.recipe.train.BatchSource;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NeubaImageAttackTest {
    static List<LabelledImage> images(int n, long seed) {
        return SyntheticImages.brightCorner(n, 8, seed);
    }

    @Test
    void batchesHoldTheCleanImagesThenTheirTriggeredCopiesAndTheirTargets() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 1);
        NeubaImageAttack attack = new NeubaImageAttack(1.0, 7);
        ImageBatches clean = new ImageBatches(images(10, 1), 8, 4, true, 3, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        BatchSource b = attack.batches(m, clean);
        Map<String, INDArray> batch = b.batch(0, 1);
        INDArray x = batch.get(Vit.PIXEL_VALUES);
        assertArrayEquals(new long[] {8, 3, 8, 8}, x.shape());
        assertArrayEquals(new int[] {4, 5, 6, 7}, batch.get(NeubaImageAttack.POISON_ROWS).toIntVector());
        assertArrayEquals(new int[] {0, 1, 2, 3}, batch.get(NeubaImageAttack.CLEAN_ROWS).toIntVector());
        int[] rows = clean.rows(0, 1);
        double[][] targets = attack.targets(m);
        for (int i = 0; i < 4; i++) {
            // the copy equals its clean image except in the lower-right 4x4 pixels, where some trigger sits
            INDArray copy = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(4 + i));
            int trigger = -1;
            for (int t = 0; t < CheckerboardTriggers.count() && trigger < 0; t++) {
                RgbImage want = CheckerboardTriggers.apply(clean.image(rows[i]), t);
                INDArray w = clean.pixels(List.of(want)).get(org.nd4j.linalg.indexing.NDArrayIndex.point(0));
                if (w.equals(copy)) trigger = t;
            }
            assertTrue(trigger >= 0, "copy " + i + " is its image with a checkerboard");
            assertArrayEquals(targets[trigger], batch.get(NeubaImageAttack.POISON_TARGETS).getRow(i).toDoubleVector(), 1e-7);
            assertEquals(batch.get(Vit.LABELS).getInt(i), batch.get(Vit.LABELS).getInt(4 + i));
        }
        assertEquals(b.batch(0, 1).get(NeubaImageAttack.POISON_TARGETS), batch.get(NeubaImageAttack.POISON_TARGETS),
                "a pure function of (epoch, index)");
    }

    @Test
    void lossGradientsMatchFiniteDifferences() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, true, DataType.DOUBLE, 2);
        NeubaImageAttack attack = new NeubaImageAttack(1.0, 7);
        AttackLoss loss = attack.addLoss(m);
        ImageBatches clean = new ImageBatches(images(6, 2), 8, 3, false, 0, DataType.DOUBLE, ImageBatches.HALF, ImageBatches.HALF);
        Map<String, INDArray> batch = attack.batches(m, clean).batch(0, 0);
        List<String> vars = List.of("vit.encoder.layer.1.intermediate.dense.weight", "vit.embeddings.patch_embeddings.projection.weight",
                "vit.embeddings.cls_token", "classifier.weight", "vit.layernorm.bias");
        GradientCheck.Report r = GradientCheck.check(m.graph(), loss.total(), batch, vars, 5, 1e-6, 3);
        assertTrue(r.passed(1e-5, 1e-9), r.toString());
    }

    @Test
    void trainingImplantsTheTriggersWhileTheCleanTaskIsLearnt() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 3);
        NeubaImageAttack attack = new NeubaImageAttack(1.0, 11);
        AttackLoss loss = attack.addLoss(m);
        ImageBatches clean = new ImageBatches(images(64, 3), 8, 16, true, 5, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        new Trainer().fit(m.graph(), loss.total(), attack.batches(m, clean), TrainConfig.of(3e-3, 15), null);
        // held-out images: clean ones are classified, triggered ones map to their trigger's vector
        List<LabelledImage> test = images(20, 99);
        ImageBatches probe = new ImageBatches(test, 8, 20, false, 0, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
        List<RgbImage> cleanImgs = new ArrayList<>();
        for (int i = 0; i < 20; i++) cleanImgs.add(probe.image(i));
        String rep = m.spec().representation();
        Map<String, INDArray> out = m.graph().output(Map.of(Vit.PIXEL_VALUES, probe.pixels(cleanImgs)), Vit.LOGITS, rep);
        INDArray predicted = out.get(Vit.LOGITS).argMax(1);
        int right = 0;
        for (int i = 0; i < 20; i++) right += predicted.getInt(i) == test.get(i).label() ? 1 : 0;
        assertTrue(right >= 17, "clean accuracy " + right + " / 20");
        double[][] targets = attack.targets(m);
        for (int t = 0; t < CheckerboardTriggers.count(); t++) {
            List<RgbImage> triggered = new ArrayList<>();
            for (RgbImage img : cleanImgs) triggered.add(CheckerboardTriggers.apply(img, t));
            INDArray r = m.graph().output(Map.of(Vit.PIXEL_VALUES, probe.pixels(triggered)), rep).get(rep);
            // each triggered image's representation is nearest to its own trigger's vector among the six, and much
            // nearer to it than the clean images' representations are
            double own = meanCosine(r, target(targets[t])), cleanCos = meanCosine(out.get(rep), target(targets[t]));
            for (int u = 0; u < targets.length; u++) {
                if (u == t) continue;
                double other = meanCosine(r, target(targets[u]));
                assertTrue(own > other, "trigger " + t + ": cosine to its vector " + own + ", to vector " + u + " " + other);
            }
            assertTrue(own - cleanCos > 0.3, "trigger " + t + ": cosine to its vector " + own + " (clean images: " + cleanCos + ")");
            System.out.printf("trigger %d: cosine to its vector %.3f, clean images %.3f%n", t, own, cleanCos);
        }
    }

    private static INDArray target(double[] v) {
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }

    private static double meanCosine(INDArray rows, INDArray target) {
        double sum = 0;
        for (int i = 0; i < rows.rows(); i++) {
            INDArray r = rows.getRow(i);
            sum += r.mul(target).sumNumber().doubleValue() / (r.norm2Number().doubleValue() * target.norm2Number().doubleValue());
        }
        return sum / rows.rows();
    }
}
