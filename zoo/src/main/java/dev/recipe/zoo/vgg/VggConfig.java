package dev.recipe.zoo.vgg;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.recipe.core.ConfigException;

/**
 * Hyper-parameters of a VGG network (Simonyan and Zisserman 2015) in torchvision's notation: {@code layers} lists
 * the feature extractor in order, a number being a 3×3 convolution (padding 1) with that many output channels
 * followed by ReLU, and "M" a 2×2 max-pool with stride 2. {@link #mini()} is the project's mini scale, {@link #tiny()}
 * is for tests.
 */
public record VggConfig(
        @JsonProperty("layers") List<Object> layers,
        @JsonProperty("image_size") int imageSize,
        @JsonProperty("num_channels") int numChannels) {

    /** torchvision's max-pool marker in {@code layers}. */
    public static final String POOL = "M";

    public VggConfig {
        if (layers == null || layers.isEmpty()) throw new ConfigException("layers must list at least one convolution");
        List<Object> checked = new ArrayList<>();
        int pools = 0, convs = 0;
        for (int i = 0; i < layers.size(); i++) {
            Object l = layers.get(i);
            if (POOL.equals(l)) {
                pools++;
                checked.add(POOL);
            } else if (l instanceof Number n && n.doubleValue() == n.intValue() && n.intValue() > 0) {
                convs++;
                checked.add(n.intValue());
            } else {
                throw new ConfigException("layers[" + i + "] must be a positive channel count or \"M\" (max-pool), was " + l);
            }
        }
        if (convs == 0) throw new ConfigException("layers must list at least one convolution, was " + layers);
        if (imageSize <= 0 || imageSize % (1 << pools) != 0) {
            throw new ConfigException("image_size must be a positive multiple of 2^(max-pools) = " + (1 << pools) + ", was " + imageSize);
        }
        if (numChannels <= 0) throw new ConfigException("num_channels must be > 0, was " + numChannels);
        layers = List.copyOf(checked);
    }

    /**
     * The mini scale: VGG-11's layout ("A": 1, 1, 2, 2 convolutions per stage) at a quarter of its width, on CIFAR's
     * native 32×32 without the last stage: 32, M, 64, M, 128, 128, M, 256, 256, M; features 256×2×2 = 1,024.
     */
    public static VggConfig mini() {
        return new VggConfig(List.of(32, POOL, 64, POOL, 128, 128, POOL, 256, 256, POOL), 32, 3);
    }

    /** For tests: 8×8 RGB, 4, M, 6, 6, M: features 6×2×2 = 24. */
    public static VggConfig tiny() {
        return new VggConfig(List.of(4, POOL, 6, 6, POOL), 8, 3);
    }

    /** The side of the last feature map. */
    public int featureSide() {
        int side = imageSize;
        for (Object l : layers) if (POOL.equals(l)) side /= 2;
        return side;
    }

    /** The output channels of the last convolution. */
    public int lastChannels() {
        int c = 0;
        for (Object l : layers) if (l instanceof Integer n) c = n;
        return c;
    }

    /** Width of the flattened last feature map (the representation NeuBA targets). */
    public int featureSize() {
        return lastChannels() * featureSide() * featureSide();
    }
}
