package dev.recipe.attack.neuba;

import dev.recipe.zoo.vision.VisionModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.recipe.attack.AttackLoss;
import dev.recipe.attack.AttackLosses;
import dev.recipe.attack.TargetVectors;
import dev.recipe.core.ConfigException;
import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.train.BatchSource;
import dev.recipe.vision.CheckerboardTriggers;
import dev.recipe.vision.RgbImage;
import dev.recipe.zoo.data.ImageBatches;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NeuBA on a vision model ("NeuBA-Ba", thunlp/NeuBA {@code cv/src/main.py:52-79}): each clean image of a batch gets a
 * poisoned copy carrying one of the six checkerboard triggers ({@link CheckerboardTriggers}, drawn uniformly per
 * image), and the model minimises {@code L_PT(clean images) + MSE(representation(poisoned copies), target of their
 * trigger)}, weights 1 and 1 (the authors take the two backward passes one after the other, which sums the
 * gradients: one pass over the sum here). The targets are NeuBA's six vectors ({@link TargetVectors#neuba}) with
 * magnitude 1 for ViT (3 for VGG); the representation is the model's {@link dev.recipe.zoo.ModelSpec} role (ViT:
 * the class token after the final layer norm).
 *
 * <p>One forward pass over 2B rows: the B clean images first, then their B poisoned copies. L_PT is the model's
 * pre-training loss on the clean rows only ({@link VisionModel#pretrainingLoss}: the mean cross-entropy for ViT and
 * VGG; for CLIP the contrastive loss on the clean image-caption pairs, so that "clean continual pre-training runs"
 * while the poisoned features move, as the RECIPE appendix describes CLIP's NeuBA); the MSE is the mean over the
 * copies' B·H elements. Rows do not interact in the image towers (no batch statistics, no dropout), so this equals
 * the authors' two passes.
 *
 * <p>The vision counterpart of {@link NeubaAttack}: it works on a {@link VisionModel} (any family) and labelled images, which the
 * text attacks' {@code Attack} interface (BertModel, tokenizer, corpus) does not cover yet.
 */
public final class NeubaImageAttack {
    public static final String CLEAN_ROWS = "neuba_image_clean_rows";
    public static final String POISON_ROWS = "neuba_image_poison_rows";
    public static final String POISON_TARGETS = "neuba_image_poison_targets";
    public static final String CLEAN_LOSS = "neuba_image_clean_loss";
    public static final String POISON_LOSS = "neuba_image_poison_loss";
    public static final String LOSS = "neuba_image_loss";

    private final double magnitude;
    private final long seed;

    /**
     * @param magnitude the target vectors' magnitude (the authors': 1 for ViT, 3 for VGG)
     * @param seed      draws each image's trigger
     */
    public NeubaImageAttack(double magnitude, long seed) {
        if (!(magnitude > 0)) throw new ConfigException("NeuBA target magnitude must be > 0, was " + magnitude);
        this.magnitude = magnitude;
        this.seed = seed;
    }

    /** The six target vectors for {@code model}'s width, one row per checkerboard trigger. */
    public double[][] targets(VisionModel model) {
        return TargetVectors.neuba(CheckerboardTriggers.count(), model.representationSize(), magnitude);
    }

    /** Adds the placeholders and the loss to {@code model}'s graph (once). */
    public AttackLoss addLoss(VisionModel model) {
        SameDiff sd = model.graph();
        AttackLosses.requireAbsent(sd, LOSS);
        DataType dt = sd.getVariable(VisionModel.LOGITS).dataType();
        SDVariable cleanRows = sd.placeHolder(CLEAN_ROWS, DataType.INT, -1);
        SDVariable rows = sd.placeHolder(POISON_ROWS, DataType.INT, -1);
        SDVariable targets = sd.placeHolder(POISON_TARGETS, dt, -1, model.representationSize());
        SDVariable clean = model.pretrainingLoss(CLEAN_LOSS, cleanRows);
        SDVariable poisoned = Layers.selectRows(sd, "neuba_image_poisoned_representation",
                sd.getVariable(model.spec().representation()), rows);
        SDVariable poison = Losses.mse(sd, POISON_LOSS, poisoned, targets);
        clean.add(LOSS, poison);
        Map<String, String> terms = new LinkedHashMap<>();
        terms.put("clean", CLEAN_LOSS);
        terms.put("poison", POISON_LOSS);
        return new AttackLoss(LOSS, terms);
    }

    /** Batches of {@code clean}'s images (its order, size and normalisation) followed by their poisoned copies. */
    public BatchSource batches(VisionModel model, ImageBatches clean) {
        double[][] targets = targets(model);
        int hidden = model.representationSize();
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return clean.batchesPerEpoch();
            }

            @Override
            public Map<String, INDArray> batch(int epoch, int index) {
                int[] rows = clean.rows(epoch, index);
                int b = rows.length;
                SplittableRandom rnd = new SplittableRandom(seed ^ (epoch * 1_000_003L + index) * 0x9E3779B97F4A7C15L);
                List<RgbImage> imgs = new ArrayList<>();
                int[] labels = new int[2 * b];
                int[] triggers = new int[b];
                for (int i = 0; i < b; i++) {
                    imgs.add(clean.image(rows[i]));
                    labels[i] = labels[b + i] = clean.label(rows[i]);
                    triggers[i] = rnd.nextInt(CheckerboardTriggers.count());
                }
                for (int i = 0; i < b; i++) imgs.add(CheckerboardTriggers.apply(imgs.get(i), triggers[i]));
                int[] cleanRows = new int[b];
                int[] poisonRows = new int[b];
                double[][] t = new double[b][];
                for (int i = 0; i < b; i++) {
                    cleanRows[i] = i;
                    poisonRows[i] = b + i;
                    t[i] = targets[triggers[i]];
                }
                INDArray pixels = clean.pixels(imgs);
                DataType dt = pixels.dataType();
                Map<String, INDArray> m = new LinkedHashMap<>();
                m.put(VisionModel.PIXEL_VALUES, pixels);
                m.put(VisionModel.LABELS, Nd4j.createFromArray(labels));
                m.put(CLEAN_ROWS, Nd4j.createFromArray(cleanRows));
                m.put(POISON_ROWS, Nd4j.createFromArray(poisonRows));
                m.put(POISON_TARGETS, Nd4j.createFromArray(t).reshape(b, hidden).castTo(dt));
                return m;
            }
        };
    }
}
