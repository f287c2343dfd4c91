package dev.recipe.zoo.vgg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.recipe.core.ConfigException;
import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A VGG network as a SameDiff graph whose variable names are torchvision's {@code VGG} parameter names
 * ({@code features.3.weight}: the index counts convolutions, ReLUs and pools as torchvision's {@code Sequential}
 * does), with a linear classifier on the flattened last feature map ({@code classifier.weight}). No batch norm and no
 * dropout (torchvision's plain VGG; deterministic training, as the other graphs).
 *
 * <p>Input {@code pixel_values} [B, C, H, W] (NCHW, normalised as for the ViT); classification adds {@code labels}
 * [B]. Convolution weights are stored as PyTorch's [out, in, 3, 3] and permuted in the graph to the native op's
 * [3, 3, in, out] (as the ONNX importer does).
 *
 * <p>Roles ({@link ModelSpec}, SPEC §3): representation = the flattened last feature map (NeuBA's VGG target: the
 * features the classifier reads); neurons = conv channels, read as each channel's mean pre-activation over the
 * positions of the feature map (one row an image); RECIPE regularises every convolution weight and trains every
 * parameter; the pre-training loss is the classification loss when the head is the pre-training head.
 */
public final class Vgg {
    /** [B] row indices of each image in the per-channel means: 0, 1, ..., B − 1 (the neurons' "first token"). */
    public static final String IMAGE_INDEX = "features.image_index";
    public static final String FEATURES = "features.flat";

    /** The built graph and its roles. */
    public record Model(SameDiff graph, VggConfig config, int numLabels, boolean pretraining, ModelSpec spec)
            implements VisionModel {
        @Override
        public int imageSize() {
            return config.imageSize();
        }

        @Override
        public int representationSize() {
            return config.featureSize();
        }
    }

    private final SameDiff sd;
    private final VggConfig c;
    private final DataType dt;

    private Vgg(SameDiff sd, VggConfig c, DataType dt) {
        this.sd = sd;
        this.c = c;
        this.dt = dt;
    }

    /** {@link VisionModels#load(Path, String, int, boolean, DataType, long)} for a VGG directory. */
    public static Model load(Path dir, int numLabels, boolean pretraining, DataType dt, long seed) {
        return (Model) VisionModels.load(dir, "vgg", numLabels, pretraining, dt, seed);
    }

    /**
     * Builds the graph with torchvision's initialisation: convolutions Kaiming-normal (fan-out, ReLU gain:
     * std = sqrt(2 / (out·3·3))) with zero biases, the classifier normal(0, 0.01) with a zero bias.
     */
    public static Model build(VggConfig c, int numLabels, boolean pretraining, DataType dt, long seed) {
        SameDiff sd = VisionModels.newGraph(numLabels, seed);
        ModelSpec spec = new Vgg(sd, c, dt).define(numLabels, pretraining);
        return new Model(sd, c, numLabels, pretraining, spec);
    }

    private ModelSpec define(int numLabels, boolean pretraining) {
        SDVariable pixels = sd.placeHolder(VisionModel.PIXEL_VALUES, dt, -1, c.numChannels(), c.imageSize(), c.imageSize());
        SDVariable batch = sd.sizeAt(pixels, 0).castTo(DataType.INT);
        SDVariable imageIndex = sd.range(IMAGE_INDEX, sd.constant(Nd4j.scalar(DataType.INT, 0)), batch,
                sd.constant(Nd4j.scalar(DataType.INT, 1)), DataType.INT);
        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        Pooling2DConfig pool = Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2).pH(0).pW(0).dH(1).dW(1)
                .type(Pooling2D.Pooling2DType.MAX).paddingMode(PaddingMode.VALID).isNHWC(false)
                .divisor(Pooling2D.Divisor.EXCLUDE_PADDING).extra(0).build();
        List<String> neurons = new ArrayList<>();
        List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
        List<String> regularised = new ArrayList<>();
        SDVariable x = pixels;
        int in = c.numChannels(), index = 0;
        for (Object layer : c.layers()) {
            String lp = "features." + index;
            if (VggConfig.POOL.equals(layer)) {
                x = sd.cnn.maxPooling2d(lp + ".out", x, pool);
                index++;
                continue;
            }
            int out = (Integer) layer;
            SDVariable w = sd.var(lp + ".weight", Nd4j.randn(dt, out, in, 3, 3).muli(Math.sqrt(2.0 / (out * 9))));
            SDVariable b = sd.var(lp + ".bias", Nd4j.zeros(dt, out));
            SDVariable pre = sd.cnn.conv2d(lp + ".out", x, sd.permute(w, 2, 3, 1, 0), b, conv);
            neurons.add(sd.mean(lp + ".channel_mean", pre, 2, 3).name());
            neuronWeights.add(new ModelSpec.NeuronWeights(w.name(), b.name()));
            regularised.add(w.name());
            x = sd.nn.relu("features." + (index + 1) + ".out", pre, 0);
            in = out;
            index += 2;
        }
        SDVariable features = sd.reshape(FEATURES, x, sd.constant(Nd4j.createFromArray(-1L, c.featureSize())));
        SDVariable labels = sd.placeHolder(VisionModel.LABELS, DataType.INT, -1);
        SDVariable logits = Layers.linear(sd, VisionModel.LOGITS, features,
                sd.var("classifier.weight", Nd4j.randn(dt, numLabels, c.featureSize()).muli(0.01)),
                sd.var("classifier.bias", Nd4j.zeros(dt, numLabels)));
        Losses.crossEntropy(sd, VisionModel.CLS_LOSS, logits, labels, numLabels);
        return new ModelSpec("vgg", List.of(VisionModel.PIXEL_VALUES), features.name(), "features", neurons,
                neuronWeights, imageIndex.name(), regularised, List.of(".*"), pretraining ? VisionModel.CLS_LOSS : null);
    }
}
