package dev.recipe.zoo.vit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.SafeTensors;

import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.nn.SameDiffFixes;
import dev.recipe.zoo.GraphWeights;
import dev.recipe.zoo.ModelSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
    public static final String PIXEL_VALUES = "pixel_values";
    public static final String LABELS = "labels";
    public static final String LOGITS = "logits";
    public static final String CLS_LOSS = "cls_loss";
    public static final String PREFIX = "vit";

    private final SameDiff sd;
    private final VitConfig c;
    private final DataType dt;

    private Vit(SameDiff sd, VitConfig c, DataType dt) {
        this.sd = sd;
        this.c = c;
        this.dt = dt;
    }

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Keys config.json holds besides {@link VitConfig}'s: the family and the head the weights were saved with. */
    private static final String MODEL_TYPE = "model_type", NUM_LABELS = "num_labels", PRETRAINING = "pretraining_head";

    /**
     * The built graph and its roles.
     *
     * @param numLabels  the classifier's classes
     * @param pretraining whether the classifier is the pre-training head (its loss is then the spec's pre-training
     *                    loss, which RECIPE continues)
     */
    public record Model(SameDiff graph, VitConfig config, int numLabels, boolean pretraining, ModelSpec spec) {
        /** Every trainable variable by name, in name order. Arrays are live views. */
        public Map<String, INDArray> weights() {
            return GraphWeights.of(graph);
        }

        /**
         * Writes {@code config.json} (HuggingFace's ViT keys, {@code model_type} "vit", the head's {@code num_labels}
         * and whether it is the pre-training head) and {@code model.safetensors}, each atomically, into {@code dir}.
         */
        public void save(Path dir, Map<String, String> metadata) {
            ObjectNode cfg = Json.MAPPER.valueToTree(config);
            cfg.put(MODEL_TYPE, "vit");
            cfg.put(NUM_LABELS, numLabels);
            cfg.put(PRETRAINING, pretraining);
            Json.write(dir.resolve(CONFIG_FILE), cfg);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            if (metadata != null) meta.putAll(metadata);
            SafeTensors.write(dir.resolve(WEIGHTS_FILE), weights(), meta);
        }
    }

    /** Loads {@code dir} with the head it was saved with (e.g. the pre-training head an attack or RECIPE continues). */
    public static Model load(Path dir, DataType dt, long seed) {
        ObjectNode tree = Json.readTree(dir.resolve(CONFIG_FILE));
        JsonNode n = tree.get(NUM_LABELS), p = tree.get(PRETRAINING);
        if (n == null || !n.canConvertToInt() || p == null || !p.isBoolean()) {
            throw new ConfigException(dir.resolve(CONFIG_FILE) + ": needs num_labels (an integer) and pretraining_head (true or false)");
        }
        return load(dir, n.asInt(), p.asBoolean(), dt, seed);
    }

    /** Whether {@code dir} holds a ViT ({@code config.json} with model_type "vit"). */
    public static boolean isVit(Path dir) {
        Path cfg = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(cfg)) return false;
        JsonNode type = Json.readTree(cfg).get(MODEL_TYPE);
        return type != null && "vit".equals(type.asText());
    }

    /**
     * Loads a directory {@link Model#save} wrote into a new graph with a classifier of {@code numLabels} classes:
     * the saved classifier when it has as many classes and the same role ({@code pretraining}), else a fresh one
     * (seeded), e.g. a downstream task's head on a pre-trained encoder. Every encoder tensor must be in the file with
     * its shape; an unknown tensor or config key fails naming it.
     */
    public static Model load(Path dir, int numLabels, boolean pretraining, DataType dt, long seed) {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir + ": no such model directory");
        Path cfgFile = dir.resolve(CONFIG_FILE);
        ObjectNode tree = Json.readTree(cfgFile);
        JsonNode type = tree.remove(MODEL_TYPE);
        if (type == null || !"vit".equals(type.asText())) {
            throw new ConfigException(cfgFile + ": model_type must be \"vit\", was " + type);
        }
        JsonNode savedLabels = tree.remove(NUM_LABELS), savedPretraining = tree.remove(PRETRAINING);
        if (savedLabels == null || !savedLabels.canConvertToInt() || savedPretraining == null || !savedPretraining.isBoolean()) {
            throw new ConfigException(cfgFile + ": needs num_labels (an integer) and pretraining_head (true or false)");
        }
        VitConfig config = Json.convert(tree, VitConfig.class, cfgFile.toString());
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) throw new ConfigException(weightsFile + ": file not found");
        Map<String, INDArray> tensors = new TreeMap<>(SafeTensors.read(weightsFile).tensors());
        boolean sameHead = savedLabels.asInt() == numLabels && savedPretraining.asBoolean() == pretraining;
        if (!sameHead) tensors.keySet().removeIf(n -> n.startsWith("classifier."));
        Model model = build(config, numLabels, pretraining, dt, seed);
        List<String> missing = GraphWeights.copyInto(model.weights(), tensors, false, weightsFile.toString(),
                "vit graph (" + cfgFile + ")");
        List<String> missingEncoder = missing.stream().filter(n -> sameHead || !n.startsWith("classifier.")).toList();
        if (!missingEncoder.isEmpty()) throw new ConfigException(weightsFile + ": missing tensors " + missingEncoder);
        return model;
    }

    /** Builds the graph with HuggingFace-style initialisation (normal(0, initializer_range), zero biases, unit gains). */
    public static Model build(VitConfig c, int numLabels, boolean pretraining, DataType dt, long seed) {
        if (numLabels < 1) throw new IllegalArgumentException("numLabels must be >= 1, was " + numLabels);
        SameDiffFixes.install();
        Nd4j.getRandom().setSeed(seed);
        SameDiff sd = SameDiff.create();
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
