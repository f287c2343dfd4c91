package dev.recipe.zoo.vit;

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
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Vision Transformer (Dosovitskiy et al. 2021) as a SameDiff graph whose variable names are HuggingFace's
 * {@code ViTForImageClassification} parameter names ({@code vit.encoder.layer.0.intermediate.dense.weight}): patch
 * embedding, class token, learned positions, pre-LN transformer layers with exact-erf GELU, final layer norm, and a
 * linear classifier on the class token. No dropout (deterministic training, as the BERT graphs).
 *
 * <p>Input {@code pixel_values} [B, C, H, W] (normalised, e.g. {@code RgbImage.toChw}); classification adds
 * {@code labels} [B]. Activations stay 2-D [B·T, hidden] (T = patches + 1) as in the BERT graphs, so every dense
 * layer is one product and the same {@link Layers} blocks serve. The patch embedding is HuggingFace's convolution
 * with kernel = stride = patch, written as a product: the image is cut into [B·N, C·P·P] rows (channel, row, column
 * inside a patch, patches in raster order) and multiplied by the convolution weight [hidden, C, P, P] seen as
 * [hidden, C·P·P]. The class token and the positions are placed by row lookups ({@link Layers#selectRows}), whose
 * gradient is the project's checked one, not by broadcasting (M2.1 reduces some broadcast gradients wrongly; see
 * {@code Bert}).
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

    private Vit(SameDiff sd, VitConfig c, DataType dt) {
        this.sd = sd;
        this.c = c;
        this.dt = dt;
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
        SDVariable batch = sd.sizeAt(pixels, 0).castTo(DataType.INT);
        SDVariable rows = batch.mul(t);                                   // B·T token rows
        SDVariable row = sd.range(sd.constant(Nd4j.scalar(DataType.INT, 0)), rows,
                sd.constant(Nd4j.scalar(DataType.INT, 1)), DataType.INT);
        SDVariable position = sd.math.floorMod(row, sd.constant(Nd4j.scalar(DataType.INT, t)));
        SDVariable image = sd.math.floorDiv(row, sd.constant(Nd4j.scalar(DataType.INT, t)));

        SDVariable h = embeddings(pixels, position, image);
        SDVariable headShape = sd.constant(Nd4j.createFromArray(-1L, t, c.numHeads(), c.headDim()));
        SDVariable flatShape = sd.constant(Nd4j.createFromArray(-1L, hs));
        List<String> neurons = new ArrayList<>();
        List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
        List<String> regularised = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String lp = PREFIX + ".encoder.layer." + i;
            h = layer(lp, h, headShape, flatShape);
            neurons.add(lp + ".intermediate.dense.out");
            neuronWeights.add(new ModelSpec.NeuronWeights(lp + ".intermediate.dense.weight", lp + ".intermediate.dense.bias"));
            for (String m : List.of(".attention.attention.query", ".attention.attention.key", ".attention.attention.value",
                    ".intermediate.dense", ".output.dense")) {
                regularised.add(lp + m + ".weight");
            }
        }
        SDVariable sequence = Layers.layerNorm(sd, PREFIX + ".sequence_output", h,
                ones(PREFIX + ".layernorm.weight", hs), zeros(PREFIX + ".layernorm.bias", hs), c.layerNormEps());
        // row index of each image's class token in the flattened [B·T, H] activations: 0, T, 2T, ...
        SDVariable first = sd.range(sd.constant(Nd4j.scalar(DataType.INT, 0)), rows,
                sd.constant(Nd4j.scalar(DataType.INT, t)), DataType.INT);
        sd.identity(PREFIX + ".first_token_index", first);
        SDVariable cls = Layers.selectRows(sd, PREFIX + ".first_token_output", sequence, first);

        SDVariable labels = sd.placeHolder(LABELS, DataType.INT, -1);
        SDVariable logits = Layers.linear(sd, LOGITS, cls, param("classifier.weight", numLabels, hs), zeros("classifier.bias", numLabels));
        Losses.crossEntropy(sd, CLS_LOSS, logits, labels, numLabels);
        return new ModelSpec("vit", List.of(PIXEL_VALUES), cls.name(), "first-token", neurons, neuronWeights,
                first.name(), regularised, List.of(".*"), pretraining ? CLS_LOSS : null);
    }

    /** Patch rows, then the class token and the patches placed per image, plus the learned positions: [B·T, H]. */
    private SDVariable embeddings(SDVariable pixels, SDVariable position, SDVariable image) {
        String ep = PREFIX + ".embeddings";
        int hs = c.hiddenSize(), p = c.patchSize(), n = c.patchesPerSide(), ch = c.numChannels();
        // [B, C, n, P, n, P] -> [B, n, n, C, P, P] -> [B·N, C·P·P]: one row a patch, in the convolution weight's order
        SDVariable cut = sd.reshape(pixels, sd.constant(Nd4j.createFromArray(-1L, ch, n, p, n, p)));
        SDVariable patchRows = sd.reshape(sd.permute(cut, 0, 2, 4, 1, 3, 5),
                sd.constant(Nd4j.createFromArray(-1L, (long) ch * p * p)));
        SDVariable kernel = param(ep + ".patch_embeddings.projection.weight", hs, ch, p, p);
        SDVariable patches = Layers.linear(sd, ep + ".patches", patchRows,
                sd.reshape(kernel, sd.constant(Nd4j.createFromArray((long) hs, (long) ch * p * p))),
                zeros(ep + ".patch_embeddings.projection.bias", hs));
        // table: row 0 the class token, row 1 + b·N + j the j-th patch of image b; token (b, pos) reads row
        // (b·N + pos)·min(pos, 1): 0 for the class token, 1 + b·N + (pos − 1) for a patch
        SDVariable clsRow = sd.reshape(param(ep + ".cls_token", 1, 1, hs), sd.constant(Nd4j.createFromArray(1L, hs)));
        SDVariable table = sd.concat(0, clsRow, patches);
        SDVariable isPatch = sd.math.min(position, sd.constant(Nd4j.scalar(DataType.INT, 1)));
        SDVariable index = image.mul(c.numPatches()).add(position).mul(isPatch);
        SDVariable tokens = Layers.selectRows(sd, ep + ".tokens", table, index);
        SDVariable posTable = sd.reshape(param(ep + ".position_embeddings", 1, c.tokens(), hs),
                sd.constant(Nd4j.createFromArray((long) c.tokens(), hs)));
        SDVariable positions = Layers.selectRows(sd, ep + ".positions", posTable, position);
        return sd.identity(ep + ".out", tokens.add(positions));
    }

    private SDVariable layer(String lp, SDVariable x, SDVariable headShape, SDVariable flatShape) {
        int hs = c.hiddenSize();
        SDVariable ln1 = Layers.layerNorm(sd, lp + ".layernorm_before.out", x,
                ones(lp + ".layernorm_before.weight", hs), zeros(lp + ".layernorm_before.bias", hs), c.layerNormEps());
        String ap = lp + ".attention";
        SDVariable q = dense(ap + ".attention.query", ln1, hs, hs);
        SDVariable k = dense(ap + ".attention.key", ln1, hs, hs);
        SDVariable v = dense(ap + ".attention.value", ln1, hs, hs);
        SDVariable ctx = Layers.attention(sd, ap + ".attention.out", q, k, v, null, headShape, flatShape, c.headDim());
        SDVariable a = dense(ap + ".output.dense", ctx, hs, hs).add(x);
        SDVariable ln2 = Layers.layerNorm(sd, lp + ".layernorm_after.out", a,
                ones(lp + ".layernorm_after.weight", hs), zeros(lp + ".layernorm_after.bias", hs), c.layerNormEps());
        SDVariable inter = dense(lp + ".intermediate.dense", ln2, c.intermediateSize(), hs);
        SDVariable act = Layers.gelu(sd, lp + ".intermediate.act", inter);
        return sd.identity(lp + ".out", dense(lp + ".output.dense", act, hs, c.intermediateSize()).add(a));
    }

    private SDVariable dense(String name, SDVariable x, int out, int in) {
        return Layers.linear(sd, name + ".out", x, param(name + ".weight", out, in), zeros(name + ".bias", out));
    }

    private SDVariable param(String name, long... shape) {
        return sd.var(name, Nd4j.randn(dt, shape).muli(c.initializerRange()));
    }

    private SDVariable zeros(String name, long n) {
        return sd.var(name, Nd4j.zeros(dt, n));
    }

    private SDVariable ones(String name, long n) {
        return sd.var(name, Nd4j.ones(dt, n));
    }
}
