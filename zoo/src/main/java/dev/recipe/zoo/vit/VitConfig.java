package dev.recipe.zoo.vit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.recipe.core.ConfigException;

/**
 * Hyper-parameters of a Vision Transformer, with HuggingFace's {@code ViTConfig} key names so that a config maps 1:1.
 * {@link #mini()} is the project's mini scale (NeuBA's 64×64 inputs in 8×8 patches: 64 patches and the class token);
 * {@link #tiny()} is for tests.
 */
public record VitConfig(
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numLayers,
        @JsonProperty("num_attention_heads") int numHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("patch_size") int patchSize,
        @JsonProperty("num_channels") int numChannels,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("initializer_range") double initializerRange) {

    public VitConfig {
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("intermediate_size", intermediateSize);
        positive("image_size", imageSize);
        positive("patch_size", patchSize);
        positive("num_channels", numChannels);
        if (hiddenSize % numHeads != 0) {
            throw new ConfigException("hidden_size (" + hiddenSize + ") must be a multiple of num_attention_heads (" + numHeads + ")");
        }
        if (imageSize % patchSize != 0) {
            throw new ConfigException("image_size (" + imageSize + ") must be a multiple of patch_size (" + patchSize + ")");
        }
        if (!(layerNormEps > 0 && layerNormEps < 1e-3)) throw new ConfigException("layer_norm_eps must be in (0, 1e-3), was " + layerNormEps);
        if (!(initializerRange > 0 && initializerRange < 1)) throw new ConfigException("initializer_range must be in (0, 1), was " + initializerRange);
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new ConfigException(key + " must be > 0, was " + v);
    }

    /** The mini scale: 64×64 RGB in 8×8 patches, 4 layers, hidden 256, 4 heads, MLP 1024 (the mini BERT's shape). */
    public static VitConfig mini() {
        return new VitConfig(256, 4, 4, 1024, 64, 8, 3, 1e-12, 0.02);
    }

    /**
     * The mini scale at hidden 128 (4 layers, 4 heads, MLP 512): a mini step at batch 64 measured 538 ms against
     * 1,141 ms for {@link #mini()} (session 26), ~7 min a CIFAR-10 epoch on 2 cores.
     */
    public static VitConfig small() {
        return new VitConfig(128, 4, 4, 512, 64, 8, 3, 1e-12, 0.02);
    }

    /** For tests: 8×8 RGB in 4×4 patches (4 patches), hidden 16, 2 layers, 2 heads, MLP 24. */
    public static VitConfig tiny() {
        return new VitConfig(16, 2, 2, 24, 8, 4, 3, 1e-12, 0.02);
    }

    /** Patches per image side. */
    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Patches per image. */
    public int numPatches() {
        return patchesPerSide() * patchesPerSide();
    }

    /** Tokens per image: the patches and the class token. */
    public int tokens() {
        return numPatches() + 1;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }
}
