package dev.recipe.zoo.bert;

import java.util.ArrayList;
import java.util.List;

import dev.recipe.nn.Layers;
import dev.recipe.nn.Losses;
import dev.recipe.nn.SameDiffFixes;
import dev.recipe.zoo.ModelSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BERT and RoBERTa encoders as SameDiff graphs whose variable names are HuggingFace's parameter names
 * ({@code bert.encoder.layer.0.intermediate.dense.weight}), with optional masked-LM and sequence-classification
 * heads. Post-LN transformer as in Devlin et al. 2019 / {@code modeling_bert.py}; inputs are single segments
 * (token type 0) right-padded to a common length; no dropout (see README: deterministic training).
 *
 * <p>Inputs: {@code input_ids} [B,S] int, {@code attention_mask} [B,S] (1 real, 0 pad) in the model's float type;
 * masked LM adds {@code mlm_positions} [M] (indices into the flattened B·S positions) and {@code mlm_labels} [M];
 * classification adds {@code labels} [B]. The masked-LM head runs only on the M masked rows: identical loss and
 * gradients to HuggingFace's all-position head, a fraction of the cost.
 */
public final class Bert {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String MLM_POSITIONS = "mlm_positions";
    public static final String MLM_LABELS = "mlm_labels";
    public static final String LABELS = "labels";
    public static final String MLM_LOGITS = "mlm_logits";
    public static final String MLM_LOSS = "mlm_loss";
    public static final String LOGITS = "logits";
    public static final String CLS_LOSS = "cls_loss";

    /** Which heads to put on the encoder. numLabels = 0 means no classification head. */
    public record Heads(boolean maskedLm, int numLabels) {
        public static Heads pretraining() { return new Heads(true, 0); }
        public static Heads classification(int numLabels) { return new Heads(false, numLabels); }
        public static Heads encoderOnly() { return new Heads(false, 0); }
    }

    private final SameDiff sd;
    private final BertConfig c;
    private final String p;
    private final DataType dt;
    private SDVariable headShape;
    private SDVariable flatShape;

    private Bert(SameDiff sd, BertConfig c, DataType dt) {
        this.sd = sd;
        this.c = c;
        this.p = c.prefix();
        this.dt = dt;
    }

    /** Builds the graph with HuggingFace's initialisation (normal(0, initializer_range), zero biases, unit gains). */
    public static BertModel build(BertConfig c, Heads heads, DataType dt, long seed) {
        SameDiffFixes.install();
        Nd4j.getRandom().setSeed(seed);
        SameDiff sd = SameDiff.create();
        Bert b = new Bert(sd, c, dt);
        ModelSpec spec = b.define(heads);
        return new BertModel(sd, c, heads, spec);
    }

    private ModelSpec define(Heads heads) {
        SDVariable ids = sd.placeHolder(INPUT_IDS, DataType.INT, -1, -1);
        SDVariable mask = sd.placeHolder(ATTENTION_MASK, dt, -1, -1);
        SDVariable seqLen = sd.sizeAt(ids, 1).castTo(DataType.LONG);
        SDVariable one = sd.constant(Nd4j.createFromArray(1L));
        SDVariable s1 = sd.reshape(seqLen, one);
        headShape = sd.concat(0, sd.constant(Nd4j.createFromArray(-1L)), s1,
                sd.constant(Nd4j.createFromArray((long) c.numHeads(), (long) c.headDim())));
        flatShape = sd.constant(Nd4j.createFromArray(-1L, (long) c.hiddenSize()));

        SDVariable h = embeddings(ids, seqLen);
        Layers.AttentionMask maskAdd = Layers.additiveMask(sd, p + ".extended_attention_mask", mask);
        List<String> neurons = new ArrayList<>();
        List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
        List<String> regularised = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String lp = p + ".encoder.layer." + i;
            h = layer(lp, h, maskAdd);
            neurons.add(lp + ".intermediate.dense.out");
            neuronWeights.add(new ModelSpec.NeuronWeights(lp + ".intermediate.dense.weight", lp + ".intermediate.dense.bias"));
            regularised.add(lp + ".intermediate.dense.weight");
            if ("roberta".equals(c.modelType())) regularised.add(lp + ".attention.self.query.weight");
        }
        SDVariable sequence = sd.identity(p + ".sequence_output", h);
        // row index of each sequence's first token in the flattened [B·S, H] activations: 0, S, 2S, ...
        SDVariable tokens = sd.sizeAt(sequence, 0).castTo(DataType.INT);
        SDVariable first = sd.range(sd.constant(Nd4j.scalar(DataType.INT, 0)), tokens, seqLen.castTo(DataType.INT), DataType.INT);
        sd.identity(p + ".first_token_index", first);
        SDVariable cls = Layers.selectRows(sd, p + ".first_token_output", sequence, first);
        SDVariable pooled = sd.math.tanh(p + ".pooler_output",
                Layers.linear(sd, p + ".pooler.dense.out", cls,
                        param(p + ".pooler.dense.weight", c.hiddenSize(), c.hiddenSize()),
                        zeros(p + ".pooler.dense.bias", c.hiddenSize())));

        String pretrainLoss = null;
        if (heads.maskedLm()) pretrainLoss = maskedLmHead(sequence);
        if (heads.numLabels() > 0) classificationHead(pooled, heads.numLabels());

        // RoBERTa (appendix v1): every parameter trainable, which in PyTorch leaves out what the masked-LM loss does
        // not reach (the pooler gets no gradient there); the trainer refuses a trainable variable without one
        List<String> trainable = "roberta".equals(c.modelType())
                ? List.of("^(?!" + java.util.regex.Pattern.quote(p + ".pooler.") + ")")
                : List.of("\\.intermediate\\.dense\\.weight$");
        return new ModelSpec(c.modelType(), List.of(INPUT_IDS, ATTENTION_MASK), pooled.name(), "pooler",
                neurons, neuronWeights, first.name(), regularised, trainable, pretrainLoss);
    }

    private SDVariable embeddings(SDVariable ids, SDVariable seqLen) {
        String ep = p + ".embeddings";
        SDVariable flatIds = sd.reshape(ids, -1);
        SDVariable words = Layers.embedding(sd, ep + ".words", param(ep + ".word_embeddings.weight", c.vocabSize(), c.hiddenSize()), flatIds);
        // position id of flat token t is t mod S (+ RoBERTa's offset); token type is 0 everywhere. All three lookups
        // are [B·S, H] so the sum needs no broadcasting: M2.1 reduces the gradient of a broadcast operand that is an
        // op output wrongly (seen in a gradient check: only its first element received gradient).
        SDVariable tokens = sd.sizeAt(flatIds, 0).castTo(DataType.INT);
        SDVariable flatPos = sd.range(sd.constant(Nd4j.scalar(DataType.INT, 0)), tokens, sd.constant(Nd4j.scalar(DataType.INT, 1)), DataType.INT);
        SDVariable posIds = sd.math.floorMod(flatPos, seqLen.castTo(DataType.INT)).add(c.positionOffset());
        SDVariable pos = Layers.embedding(sd, ep + ".positions", param(ep + ".position_embeddings.weight", c.maxPositions(), c.hiddenSize()), posIds);
        SDVariable type = Layers.embedding(sd, ep + ".types", param(ep + ".token_type_embeddings.weight", c.typeVocabSize(), c.hiddenSize()),
                sd.zerosLike(flatIds));
        SDVariable sum = words.add(pos).add(type);
        return Layers.layerNorm(sd, ep + ".out", sum, ones(ep + ".LayerNorm.weight", c.hiddenSize()), zeros(ep + ".LayerNorm.bias", c.hiddenSize()), c.layerNormEps());
    }

    private SDVariable layer(String lp, SDVariable x, Layers.AttentionMask maskAdd) {
        int hs = c.hiddenSize();
        String ap = lp + ".attention";
        SDVariable q = dense(ap + ".self.query", x, hs, hs);
        SDVariable k = dense(ap + ".self.key", x, hs, hs);
        SDVariable v = dense(ap + ".self.value", x, hs, hs);
        SDVariable ctx = Layers.attention(sd, ap + ".self.out", q, k, v, maskAdd, headShape, flatShape, c.headDim());
        SDVariable attnOut = dense(ap + ".output.dense", ctx, hs, hs);
        SDVariable a = Layers.layerNorm(sd, ap + ".output.out", attnOut.add(x),
                ones(ap + ".output.LayerNorm.weight", hs), zeros(ap + ".output.LayerNorm.bias", hs), c.layerNormEps());
        SDVariable inter = dense(lp + ".intermediate.dense", a, c.intermediateSize(), hs);
        SDVariable act = Layers.gelu(sd, lp + ".intermediate.act", inter);
        SDVariable out = dense(lp + ".output.dense", act, hs, c.intermediateSize());
        return Layers.layerNorm(sd, lp + ".output.out", out.add(a),
                ones(lp + ".output.LayerNorm.weight", hs), zeros(lp + ".output.LayerNorm.bias", hs), c.layerNormEps());
    }

    private String maskedLmHead(SDVariable sequence) {
        SDVariable positions = sd.placeHolder(MLM_POSITIONS, DataType.INT, -1);
        SDVariable labels = sd.placeHolder(MLM_LABELS, DataType.INT, -1);
        boolean roberta = "roberta".equals(c.modelType());
        String hp = roberta ? "lm_head" : "cls.predictions";
        String dense = roberta ? "lm_head.dense" : "cls.predictions.transform.dense";
        String ln = roberta ? "lm_head.layer_norm" : "cls.predictions.transform.LayerNorm";
        SDVariable rows = Layers.selectRows(sd, hp + ".masked_rows", sequence, positions);
        SDVariable t = Layers.gelu(sd, hp + ".transform.act", dense(dense, rows, c.hiddenSize(), c.hiddenSize()));
        t = Layers.layerNorm(sd, hp + ".transform.out", t, ones(ln + ".weight", c.hiddenSize()), zeros(ln + ".bias", c.hiddenSize()), c.layerNormEps());
        // decoder weight tied to the word embeddings, as in HuggingFace (cls.predictions.decoder.weight is not a separate tensor)
        SDVariable logits = Layers.linear(sd, MLM_LOGITS, t, sd.getVariable(p + ".embeddings.word_embeddings.weight"),
                zeros(hp + ".bias", c.vocabSize()));
        Losses.crossEntropy(sd, MLM_LOSS, logits, labels, c.vocabSize());
        return MLM_LOSS;
    }

    private void classificationHead(SDVariable representation, int numLabels) {
        SDVariable labels = sd.placeHolder(LABELS, DataType.INT, -1);
        SDVariable logits = Layers.linear(sd, LOGITS, representation,
                param("classifier.weight", numLabels, c.hiddenSize()), zeros("classifier.bias", numLabels));
        Losses.crossEntropy(sd, CLS_LOSS, logits, labels, numLabels);
    }

    private SDVariable dense(String name, SDVariable x, int out, int in) {
        return Layers.linear(sd, name + ".out", x, param(name + ".weight", out, in), zeros(name + ".bias", out));
    }

    private SDVariable param(String name, long... shape) {
        INDArray w = Nd4j.randn(dt, shape).muli(c.initializerRange());
        return sd.var(name, w);
    }

    private SDVariable zeros(String name, long n) {
        return sd.var(name, Nd4j.zeros(dt, n));
    }

    private SDVariable ones(String name, long n) {
        return sd.var(name, Nd4j.ones(dt, n));
    }
}
