package dev.recipe.zoo.bert;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;

/**
 * Hyper-parameters of a BERT-family encoder, with HuggingFace's {@code config.json} key names so that a config
 * maps 1:1. {@link #base()} is bert-base-uncased; {@link #mini(int)} is the project's pre-trained mini scale;
 * {@link #tiny()} is for tests.
 *
 * @param modelType     "bert" or "roberta" (variable prefix, position offset, head names)
 * @param padTokenId    padding id (RoBERTa's positions start after it)
 */
public record BertConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numLayers,
        @JsonProperty("num_attention_heads") int numHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("max_position_embeddings") int maxPositions,
        @JsonProperty("type_vocab_size") int typeVocabSize,
        @JsonProperty("pad_token_id") int padTokenId,
        @JsonProperty("layer_norm_eps") double layerNormEps,
        @JsonProperty("initializer_range") double initializerRange) {

    public BertConfig {
        if (!"bert".equals(modelType) && !"roberta".equals(modelType)) {
            throw new ConfigException("model_type must be \"bert\" or \"roberta\", was \"" + modelType + "\"");
        }
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numHeads != 0) {
            throw new ConfigException("hidden_size (" + hiddenSize + ") must be a multiple of num_attention_heads ("
                    + numHeads + ")");
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new ConfigException("pad_token_id must be in [0, vocab_size=" + vocabSize + "), was " + padTokenId);
        }
        if (!(layerNormEps > 0 && layerNormEps < 1e-3)) throw new ConfigException("layer_norm_eps must be in (0, 1e-3), was " + layerNormEps);
        if (!(initializerRange > 0 && initializerRange < 1)) throw new ConfigException("initializer_range must be in (0, 1), was " + initializerRange);
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new ConfigException(key + " must be > 0, was " + v);
    }

    /** bert-base-uncased. */
    public static BertConfig base() {
        return new BertConfig("bert", 30522, 768, 12, 12, 3072, 512, 2, 0, 1e-12, 0.02);
    }

    /** The project's mini scale: 4 layers, hidden 256, 4 heads, FFN 1024, over the given vocabulary. */
    public static BertConfig mini(int vocabSize) {
        return new BertConfig("bert", vocabSize, 256, 4, 4, 1024, 512, 2, 0, 1e-12, 0.02);
    }

    /** For tests: vocab 99, hidden 32, 2 layers, 4 heads, FFN 37 (as transformers' BertModelTester). */
    public static BertConfig tiny() {
        return new BertConfig("bert", 99, 32, 2, 4, 37, 64, 2, 0, 1e-12, 0.02);
    }

    /**
     * The mini scale as a RoBERTa over one of the project's own WordPiece vocabularies (the RoBERTa architecture and
     * parameter names, not its byte-level BPE): positions start after {@code padTokenId} as in HuggingFace's RoBERTa
     * (so 512 + 2 position rows), one token type, layer-norm epsilon 1e-5 as roberta-base.
     */
    public static BertConfig robertaMini(int vocabSize, int padTokenId) {
        return new BertConfig("roberta", vocabSize, 256, 4, 4, 1024, 514, 1, padTokenId, 1e-5, 0.02);
    }

    /** {@link #tiny()} as a RoBERTa (for tests): 64 + 2 position rows, one token type. */
    public static BertConfig robertaTiny(int vocabSize, int padTokenId) {
        return new BertConfig("roberta", vocabSize, 32, 2, 4, 37, 66, 1, padTokenId, 1e-5, 0.02);
    }

    /** A named preset: base, mini (vocab 8192), tiny. */
    public static BertConfig preset(String name) {
        switch (name) {
            case "base": return base();
            case "mini": return mini(8192);
            case "tiny": return tiny();
            default: throw new ConfigException("unknown BERT config '" + name + "'; allowed: base, mini, tiny");
        }
    }

    public BertConfig withVocabSize(int v) {
        return new BertConfig(modelType, v, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
                typeVocabSize, padTokenId, layerNormEps, initializerRange);
    }

    /**
     * The same shape as RoBERTa: type vocabulary 1, [PAD] id 1 and two extra position rows, because RoBERTa counts
     * positions from pad_token_id + 1 (roberta-base: max_position_embeddings 514 for 512 tokens); eps 1e-5.
     */
    public BertConfig asRoberta() {
        return new BertConfig("roberta", vocabSize, hiddenSize, numLayers, numHeads, intermediateSize,
                maxPositions + 2, 1, 1, 1e-5, initializerRange);
    }

    /** Variable-name prefix of the encoder: "bert" or "roberta". */
    public String prefix() {
        return modelType;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** First position id (RoBERTa counts positions from pad_token_id + 1). */
    public int positionOffset() {
        return "roberta".equals(modelType) ? padTokenId + 1 : 0;
    }

    /** The longest token sequence (special tokens included) the position table holds. */
    public int maxTokens() {
        return maxPositions - positionOffset();
    }

    /**
     * Refuses a sequence length the position table cannot hold (the native lookup would read past the table and crash
     * the JVM instead of failing): {@code what} names the setting, e.g. "fine-tuning maxLen".
     */
    public void checkSequenceLength(int tokens, String what) {
        if (tokens > maxTokens()) {
            throw new ConfigException(what + " " + tokens + " is longer than this " + modelType + " model holds: "
                    + maxTokens() + " tokens (max_position_embeddings " + maxPositions
                    + (positionOffset() > 0 ? ", positions start at " + positionOffset() : "") + "); use at most " + maxTokens());
        }
    }

    /**
     * Reads a config.json: the project's own (strict: every key above, nothing else) or a HuggingFace one (recognised
     * by transformers_version, architectures or hidden_act; its architecture keys taken, the keys that change the
     * computation checked, inert keys ignored, unknown ones tolerated): see {@link HuggingFace#readConfig}.
     */
    public static BertConfig read(Path file) {
        return HuggingFace.readConfig(file).config();
    }

    public void write(Path file) {
        Json.write(file, this);
    }
}
