package dev.recipe.zoo.clip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.recipe.core.ConfigException;
import dev.recipe.nn.BroadcastOps;
import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.vision.Params;
import dev.recipe.zoo.vision.PatchTokens;
import dev.recipe.zoo.vision.PreLnLayer;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import dev.recipe.zoo.vit.VitConfig;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CLIP (Radford et al. 2021) as a SameDiff graph whose variable names are HuggingFace's {@code CLIPModel} parameter
 * names ({@code vision_model.encoder.layers.0.mlp.fc1.weight}, {@code text_projection.weight}, {@code logit_scale}).
 * Vision tower: patch embedding without bias, class token, learned positions, {@code pre_layrnorm}, pre-LN layers
 * with quick GELU ({@link PreLnLayer}), {@code post_layernorm} on the class token = the pooled output. Text tower:
 * token and position embeddings, pre-LN layers under a causal mask, {@code final_layer_norm}, pooled at the end
 * token. No dropout.
 *
 * <p>Two heads, as the other vision families:
 * <ul>
 *   <li><b>pre-training</b> ({@code pretraining = true}, one class per {@link ClipConfig#prompts() prompt}): the text
 *   tower encodes the prompts (constants of the graph); {@code logits} are CLIP's zero-shot logits
 *   {@code exp(logit_scale) · image_embeds · text_embedsᵀ} [B, prompts], and the pre-training loss is CLIP's
 *   contrastive loss in both directions on the batch's image-caption pairs, image i's caption being its label's
 *   prompt ({@link Losses#contrastive}, label-aware since captions repeat);</li>
 *   <li><b>downstream</b>: a fresh linear classifier on the vision tower's pooled output, cross-entropy (SPEC §7); the
 *   text tower and the projections are not in this graph.</li>
 * </ul>
 *
 * <p>Roles ({@link ModelSpec}, SPEC §3): representation = the vision pooled output (class token after
 * {@code post_layernorm}); neurons = vision fc1 outputs before the activation, at the class token; RECIPE regularises
 * the vision encoder's q, k, v, fc1 and fc2 weights and trains every parameter.
 */
public final class Clip {
    public static final String VISION = "vision_model", TEXT = "text_model";
    public static final String IMAGE_EMBEDS = "image_embeds", TEXT_EMBEDS = "text_embeds", SCALE = "logit_scale_exp";

    private final SameDiff sd;
    private final ClipConfig c;
    private final DataType dt;

    private Clip(SameDiff sd, ClipConfig c, DataType dt) {
        this.sd = sd;
        this.c = c;
        this.dt = dt;
    }

    /** The built graph and its roles. */
    public record Model(SameDiff graph, ClipConfig config, int numLabels, boolean pretraining, ModelSpec spec)
            implements VisionModel {
        @Override
        public int imageSize() {
            return config.vision().imageSize();
        }

        @Override
        public int representationSize() {
            return config.vision().hiddenSize();
        }

        @Override
        public String pretrainingLossDescription() {
            return pretraining ? "contrastive loss of the clean images and their class prompts" : VisionModel.super.pretrainingLossDescription();
        }

        /** With the pre-training head: CLIP's contrastive loss on the chosen rows' image-caption pairs only. */
        @Override
        public SDVariable pretrainingLoss(String name, SDVariable rows) {
            if (!pretraining) return VisionModel.super.pretrainingLoss(name, rows);
            SameDiff sd = graph;
            SDVariable labels = sd.gather(sd.getVariable(LABELS), rows, 0);
            SDVariable images = Layers.selectRows(sd, name + "_images", sd.getVariable(IMAGE_EMBEDS), rows);
            SDVariable texts = Layers.selectRows(sd, name + "_texts", sd.getVariable(TEXT_EMBEDS), labels);
            return Losses.contrastive(sd, name, images, texts, sd.getVariable(SCALE), labels, numLabels);
        }
    }

    /** {@link VisionModels#load(Path, String, int, boolean, DataType, long)} for a CLIP directory. */
    public static Model load(Path dir, int numLabels, boolean pretraining, DataType dt, long seed) {
        return (Model) VisionModels.load(dir, "clip", numLabels, pretraining, dt, seed);
    }

    /**
     * Builds the graph: each tower's weights normal(0, its initializer_range), biases zero, layer-norm gains one; the
     * projections normal(0, width^-0.5) and {@code logit_scale} = logit_scale_init_value, as HuggingFace initialises
     * them (HuggingFace also scales the towers' attention and MLP standard deviations by depth; the mini models start
     * from the plain one).
     */
    public static Model build(ClipConfig c, int numLabels, boolean pretraining, DataType dt, long seed) {
        if (pretraining && numLabels != c.prompts().size()) {
            throw new ConfigException("a CLIP pre-training head has one class per prompt: " + c.prompts().size()
                    + " prompts, numLabels " + numLabels);
        }
        SameDiff sd = VisionModels.newGraph(numLabels, seed);
        ModelSpec spec = new Clip(sd, c, dt).define(numLabels, pretraining);
        return new Model(sd, c, numLabels, pretraining, spec);
    }

    private ModelSpec define(int numLabels, boolean pretraining) {
        VitConfig v = c.vision();
        int hs = v.hiddenSize(), t = v.tokens();
        Params params = new Params(sd, dt, v.initializerRange());
        SDVariable pixels = sd.placeHolder(VisionModel.PIXEL_VALUES, dt, -1, v.numChannels(), v.imageSize(), v.imageSize());
        PatchTokens.Rows r = PatchTokens.rows(sd, pixels, t, VISION + ".first_token_index");
        String ep = VISION + ".embeddings";
        SDVariable kernel = params.normal(ep + ".patch_embedding.weight", hs, v.numChannels(), v.patchSize(), v.patchSize());
        SDVariable clsRow = sd.reshape(params.normal(ep + ".class_embedding", hs), sd.constant(Nd4j.createFromArray(1L, hs)));
        SDVariable posTable = params.normal(ep + ".position_embedding.weight", t, hs);
        SDVariable h = PatchTokens.embed(sd, ep, pixels, kernel, null, clsRow, posTable, r, v.patchesPerSide());
        h = params.layerNorm(VISION + ".pre_layrnorm", VISION + ".pre_layrnorm.out", h, hs, v.layerNormEps());
        PreLnLayer.Shape shape = new PreLnLayer.Shape(hs, v.intermediateSize(), v.headDim(), v.layerNormEps(),
                sd.constant(Nd4j.createFromArray(-1L, t, v.numHeads(), v.headDim())), sd.constant(Nd4j.createFromArray(-1L, hs)));
        List<String> neurons = new ArrayList<>();
        List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
        List<String> regularised = new ArrayList<>();
        PreLnLayer.Names n = PreLnLayer.Names.CLIP;
        for (int i = 0; i < v.numLayers(); i++) {
            String lp = VISION + ".encoder.layers." + i;
            h = PreLnLayer.apply(params, lp, h, n, PreLnLayer.Activation.QUICK_GELU, shape, null);
            neurons.add(lp + "." + n.fc1() + ".out");
            neuronWeights.add(new ModelSpec.NeuronWeights(lp + "." + n.fc1() + ".weight", lp + "." + n.fc1() + ".bias"));
            for (String m : n.regularised()) regularised.add(lp + "." + m + ".weight");
        }
        SDVariable cls = Layers.selectRows(sd, VISION + ".class_token", h, r.first());
        SDVariable pooled = params.layerNorm(VISION + ".post_layernorm", VISION + ".pooler_output", cls, hs, v.layerNormEps());
        SDVariable labels = sd.placeHolder(VisionModel.LABELS, DataType.INT, -1);
        if (pretraining) {
            SDVariable images = normalised(IMAGE_EMBEDS, Layers.linear(sd, "image_projection", pooled,
                    new Params(sd, dt, Math.pow(hs, -0.5)).normal("visual_projection.weight", c.projectionDim(), hs), null));
            SDVariable texts = textTower();
            SDVariable logitScale = sd.var("logit_scale", Nd4j.scalar(dt, c.logitScaleInit()));
            SDVariable scale = sd.math.exp(logitScale).rename(SCALE);
            sd.mmul(images, texts, false, true, false).mul(VisionModel.LOGITS, scale);
            SDVariable captions = Layers.selectRows(sd, "caption_embeds", texts, labels);
            Losses.contrastive(sd, VisionModel.CLS_LOSS, images, captions, scale, labels, numLabels);
        } else {
            SDVariable logits = Layers.linear(sd, VisionModel.LOGITS, pooled,
                    params.normal("classifier.weight", numLabels, hs), params.zeros("classifier.bias", numLabels));
            Losses.crossEntropy(sd, VisionModel.CLS_LOSS, logits, labels, numLabels);
        }
        return new ModelSpec("clip", List.of(VisionModel.PIXEL_VALUES), pooled.name(), "first-token", neurons,
                neuronWeights, r.first().name(), regularised, List.of(".*"), pretraining ? VisionModel.CLS_LOSS : null);
    }

    /** The prompts' text embeddings [prompts, projection_dim], L2-normalised. */
    private SDVariable textTower() {
        ClipConfig.Text tc = c.text();
        int hs = tc.hiddenSize(), heads = tc.numHeads();
        Params params = new Params(sd, dt, tc.initializerRange());
        int[][] ids = c.promptIds();
        int p = ids.length, len = ids[0].length;
        int[] flat = new int[p * len], positions = new int[p * len], ends = new int[p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < len; j++) {
                flat[i * len + j] = ids[i][j];
                positions[i * len + j] = j;
            }
            ends[i] = i * len + c.promptEnds()[i];
        }
        // causal mask: position j attends to positions <= j (padding after the end token is never attended to by
        // the end token, where the text is pooled)
        double[] mask = new double[p * heads * len * len];
        for (int b = 0; b < p * heads; b++) {
            for (int q = 0; q < len; q++) for (int k = q + 1; k < len; k++) mask[(b * len + q) * len + k] = -1e9;
        }
        String ep = TEXT + ".embeddings";
        SDVariable tokens = Layers.embedding(sd, ep + ".tokens",
                params.normal(ep + ".token_embedding.weight", c.vocab().size(), hs), sd.constant(Nd4j.createFromArray(flat)));
        SDVariable pos = Layers.selectRows(sd, ep + ".positions",
                params.normal(ep + ".position_embedding.weight", tc.maxPositions(), hs), sd.constant(Nd4j.createFromArray(positions)));
        SDVariable h = tokens.add(ep + ".out", pos);
        INDArray maskArray = Nd4j.createFromArray(mask).reshape(p, heads, len, len).castTo(dt);
        SDVariable causal = sd.constant(TEXT + ".causal_mask", maskArray);
        PreLnLayer.Shape shape = new PreLnLayer.Shape(hs, tc.intermediateSize(), tc.headDim(), tc.layerNormEps(),
                sd.constant(Nd4j.createFromArray(-1L, len, heads, tc.headDim())), sd.constant(Nd4j.createFromArray(-1L, hs)));
        for (int i = 0; i < tc.numLayers(); i++) {
            h = PreLnLayer.apply(params, TEXT + ".encoder.layers." + i, h, PreLnLayer.Names.CLIP,
                    PreLnLayer.Activation.QUICK_GELU, shape, Layers.AttentionMask.full(causal));
        }
        h = params.layerNorm(TEXT + ".final_layer_norm", TEXT + ".last_hidden_state", h, hs, tc.layerNormEps());
        SDVariable pooled = Layers.selectRows(sd, TEXT + ".pooler_output", h, sd.constant(Nd4j.createFromArray(ends)));
        return normalised(TEXT_EMBEDS, Layers.linear(sd, "text_projection.out", pooled,
                new Params(sd, dt, Math.pow(hs, -0.5)).normal("text_projection.weight", c.projectionDim(), hs), null));
    }

    /** Each row divided by its L2 norm. */
    private SDVariable normalised(String name, SDVariable x) {
        return BroadcastOps.mulPerRow(sd, x, sd.math.rsqrt(x.mul(x).sum(true, 1))).rename(name);
    }
}
