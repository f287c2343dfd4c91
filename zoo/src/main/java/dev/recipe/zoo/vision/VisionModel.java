package dev.recipe.zoo.vision;

import java.nio.file.Path;
import java.util.Map;

import dev.recipe.zoo.GraphWeights;
import dev.recipe.zoo.ModelSpec;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An image classifier of any family (ViT, VGG) as a SameDiff graph with its roles: what attacks, defenses, fine-tuning
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
