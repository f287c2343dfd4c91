package dev.recipe.zoo.vision;

import java.nio.file.Path;
import java.util.Map;

import dev.recipe.zoo.GraphWeights;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An image classifier of any family (ViT, VGG, CLIP's vision tower) as a SameDiff graph with its roles: what attacks, defenses, fine-tuning
 * and evaluation need of a vision model, so that each is written once for every family (SPEC §3). Every family's graph
 * reads the same placeholders ({@link #PIXEL_VALUES} [B, C, H, W] normalised, {@link #LABELS} [B]) and names its
 * logits and classification loss the same way; {@link VisionModels} saves and loads any of them.
 */
public interface VisionModel {
    String PIXEL_VALUES = "pixel_values";
    String LABELS = "labels";
    String LOGITS = "logits";
    String CLS_LOSS = "cls_loss";
    String CONFIG_FILE = "config.json";
    String WEIGHTS_FILE = "model.safetensors";

    SameDiff graph();

    ModelSpec spec();

    /** Classes of the classifier head. */
    int numLabels();

    /** Whether the head is the pre-training head (its loss is then the spec's pre-training loss). */
    boolean pretraining();

    /** The architecture's hyper-parameters (a record written into {@code config.json}). */
    Record config();

    /** Side of the square input images. */
    int imageSize();

    /** Width of the spec's representation (ViT: hidden size; VGG: flattened last feature map). */
    int representationSize();

    /**
     * The pre-training loss on the batch rows {@code rows} [R] only, added to the graph as {@code name} (NeuBA's clean
     * term, when a batch also holds poisoned copies of its images). A classifier's: the mean cross-entropy of those
     * rows' logits; CLIP's: the contrastive loss on those rows' image-caption pairs.
     */
    default SDVariable pretrainingLoss(String name, SDVariable rows) {
        SameDiff sd = graph();
        SDVariable logits = Layers.selectRows(sd, name + "_logits", sd.getVariable(LOGITS), rows);
        return Losses.crossEntropy(sd, name, logits, sd.gather(sd.getVariable(LABELS), rows, 0), numLabels());
    }

    /** What {@link #pretrainingLoss} computes, in words (attack cards). */
    default String pretrainingLossDescription() {
        return "CE(clean images)";
    }

    /** Every trainable variable by name, in name order. Arrays are live views. */
    default Map<String, INDArray> weights() {
        return GraphWeights.of(graph());
    }

    /**
     * Writes {@code config.json} (the config's keys, {@code model_type}, the head's {@code num_labels} and whether it
     * is the pre-training head) and {@code model.safetensors}, each atomically, into {@code dir}.
     */
    default void save(Path dir, Map<String, String> metadata) {
        VisionModels.save(this, dir, metadata);
    }
}
