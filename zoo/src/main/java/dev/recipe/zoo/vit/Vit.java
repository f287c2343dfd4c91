package dev.recipe.zoo.vit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.recipe.core.ConfigException;

import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.vision.Params;
import dev.recipe.zoo.vision.PatchTokens;
import dev.recipe.zoo.vision.PreLnLayer;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Vision Transformer (Dosovitskiy et al. 2021) as a SameDiff graph whose variable names are HuggingFace's
 * {@code ViTForImageClassification} parameter names ({@code vit.encoder.layer.0.intermediate.dense.weight}): patch
 * embedding, class token, learned positions, pre-LN transformer layers with exact-erf GELU, final layer norm, and a
 * linear classifier on the class token. No dropout (deterministic training, as the BERT graphs).
 *
 * <p>Input {@code pixel_values} [B, C, H, W] (normalised, e.g. {@code RgbImage.toChw}); classification adds
 * {@code labels} [B]. Activations stay 2-D [B·T, hidden] (T = patches + 1) as in the BERT graphs, so every dense
 * layer is one product and the same {@link Layers} blocks serve: the tokens are {@link PatchTokens}' (HuggingFace's
 * patch convolution written as a product, class token and positions placed by row lookups), the layers
 * {@link PreLnLayer}'s with ViT's names, as CLIP's vision tower shares them.
 *
 * <p>Roles ({@link ModelSpec}, SPEC §3): representation = the class token after the final layer norm; neurons =
 * fc1 (intermediate dense) outputs before the activation, read at the class token; RECIPE regularises fc1, fc2, query,
 * key and value weights of every layer and trains every parameter; the pre-training loss is the classification loss
 * when the head is the pre-training head.
 */
public final class Vit {
    public static final String PIXEL_VALUES = VisionModel.PIXEL_VALUES;
    public static final String LABELS = VisionModel.LABELS;
    public static final String LOGITS = VisionModel.LOGITS;
    public static final String CLS_LOSS = VisionModel.CLS_LOSS;
    public static final String PREFIX = "vit";

    private final SameDiff sd;
    private final VitConfig c;
    private final DataType dt;
    private final Params params;

    private Vit(SameDiff sd, VitConfig c, DataType dt) {
        this.sd = sd;
        this.c = c;
        this.dt = dt;
        this.params = new Params(sd, dt, c.initializerRange());
    }

    public static final String CONFIG_FILE = VisionModel.CONFIG_FILE;
    public static final String WEIGHTS_FILE = VisionModel.WEIGHTS_FILE;

    /**
     * The built graph and its roles.
     *
     * @param numLabels  the classifier's classes
     * @param pretraining whether the classifier is the pre-training head (its loss is then the spec's pre-training
     *                    loss, which RECIPE continues)
     */
    public record Model(SameDiff graph, VitConfig config, int numLabels, boolean pretraining, ModelSpec spec)
            implements VisionModel {
        @Override
        public int imageSize() {
            return config.imageSize();
        }

        @Override
        public int representationSize() {
            return config.hiddenSize();
        }
    }

    /** Loads {@code dir} with the head it was saved with (e.g. the pre-training head an attack or RECIPE continues). */
    public static Model load(Path dir, DataType dt, long seed) {
        VisionModel m = VisionModels.load(dir, dt, seed);
        if (!(m instanceof Model vit)) throw new ConfigException(dir.resolve(CONFIG_FILE) + ": model_type must be \"vit\", was \"" + m.spec().family() + "\"");
        return vit;
    }

    /** {@link VisionModels#load(Path, String, int, boolean, DataType, long)} for a ViT directory. */
    public static Model load(Path dir, int numLabels, boolean pretraining, DataType dt, long seed) {
        return (Model) VisionModels.load(dir, "vit", numLabels, pretraining, dt, seed);
    }

    /** Builds the graph with HuggingFace-style initialisation (normal(0, initializer_range), zero biases, unit gains). */
    public static Model build(VitConfig c, int numLabels, boolean pretraining, DataType dt, long seed) {
        SameDiff sd = VisionModels.newGraph(numLabels, seed);
        ModelSpec spec = new Vit(sd, c, dt).define(numLabels, pretraining);
        return new Model(sd, c, numLabels, pretraining, spec);
    }

    private ModelSpec define(int numLabels, boolean pretraining) {
        int hs = c.hiddenSize(), t = c.tokens();
        SDVariable pixels = sd.placeHolder(PIXEL_VALUES, dt, -1, c.numChannels(), c.imageSize(), c.imageSize());
        PatchTokens.Rows r = PatchTokens.rows(sd, pixels, t, PREFIX + ".first_token_index");
        SDVariable h = embeddings(pixels, r);
        PreLnLayer.Shape shape = new PreLnLayer.Shape(hs, c.intermediateSize(), c.headDim(), c.layerNormEps(),
                sd.constant(Nd4j.createFromArray(-1L, t, c.numHeads(), c.headDim())), sd.constant(Nd4j.createFromArray(-1L, hs)));
        List<String> neurons = new ArrayList<>();
        List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
        List<String> regularised = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String lp = PREFIX + ".encoder.layer." + i;
            h = PreLnLayer.apply(params, lp, h, PreLnLayer.Names.VIT, PreLnLayer.Activation.GELU, shape, null);
            neurons.add(lp + ".intermediate.dense.out");
            neuronWeights.add(new ModelSpec.NeuronWeights(lp + ".intermediate.dense.weight", lp + ".intermediate.dense.bias"));
            for (String m : PreLnLayer.Names.VIT.regularised()) regularised.add(lp + "." + m + ".weight");
        }
        SDVariable sequence = params.layerNorm(PREFIX + ".layernorm", PREFIX + ".sequence_output", h, hs, c.layerNormEps());
        SDVariable first = r.first();
        SDVariable cls = Layers.selectRows(sd, PREFIX + ".first_token_output", sequence, first);

        SDVariable labels = sd.placeHolder(LABELS, DataType.INT, -1);
        SDVariable logits = Layers.linear(sd, LOGITS, cls, params.normal("classifier.weight", numLabels, hs), params.zeros("classifier.bias", numLabels));
        Losses.crossEntropy(sd, CLS_LOSS, logits, labels, numLabels);
        return new ModelSpec("vit", List.of(PIXEL_VALUES), cls.name(), "first-token", neurons, neuronWeights,
                first.name(), regularised, List.of(".*"), pretraining ? CLS_LOSS : null);
    }

    /** The class token and the patches per image, plus the learned positions: [B·T, H]. */
    private SDVariable embeddings(SDVariable pixels, PatchTokens.Rows r) {
        String ep = PREFIX + ".embeddings";
        int hs = c.hiddenSize(), p = c.patchSize(), ch = c.numChannels();
        SDVariable kernel = params.normal(ep + ".patch_embeddings.projection.weight", hs, ch, p, p);
        SDVariable bias = params.zeros(ep + ".patch_embeddings.projection.bias", hs);
        SDVariable clsRow = sd.reshape(params.normal(ep + ".cls_token", 1, 1, hs), sd.constant(Nd4j.createFromArray(1L, hs)));
        SDVariable posTable = sd.reshape(params.normal(ep + ".position_embeddings", 1, c.tokens(), hs),
                sd.constant(Nd4j.createFromArray((long) c.tokens(), hs)));
        return PatchTokens.embed(sd, ep, pixels, kernel, bias, clsRow, posTable, r, c.patchesPerSide());
    }

}
