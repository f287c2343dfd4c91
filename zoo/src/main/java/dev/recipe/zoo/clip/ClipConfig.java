package dev.recipe.zoo.clip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.recipe.core.ConfigException;
import dev.recipe.zoo.vit.VitConfig;

/**
 * Hyper-parameters of a CLIP model (Radford et al. 2021) with HuggingFace's {@code CLIPConfig} key names
 * ({@code text_config}, {@code vision_config}, {@code projection_dim}, {@code logit_scale_init_value}; the vision tower's
 * keys are {@code CLIPVisionConfig}'s, which are {@code ViTConfig}'s: {@link VitConfig}), plus what the
 * project's mini CLIP needs instead of CLIP's byte-level BPE tokenizer and caption data, which are not available
 * here: a word-level {@code vocab} (ids 0, 1, 2 are padding, start and end of text) and the pre-training
 * {@code prompts}, one caption per pre-training class (label i's caption is prompt i). The text tower reads each
 * prompt as {@code <|startoftext|> words <|endoftext|>} and pools at the end token, as CLIP does.
 */
public record ClipConfig(
        @JsonProperty("text_config") Text text,
        @JsonProperty("vision_config") VitConfig vision,
        @JsonProperty("projection_dim") int projectionDim,
        @JsonProperty("logit_scale_init_value") double logitScaleInit,
        @JsonProperty("vocab") List<String> vocab,
        @JsonProperty("prompts") List<String> prompts) {

    public static final String PAD = "[PAD]", START = "<|startoftext|>", END = "<|endoftext|>";

    /** HuggingFace's {@code CLIPTextConfig} keys the graph reads. */
    public record Text(
            @JsonProperty("hidden_size") int hiddenSize,
            @JsonProperty("num_hidden_layers") int numLayers,
            @JsonProperty("num_attention_heads") int numHeads,
            @JsonProperty("intermediate_size") int intermediateSize,
            @JsonProperty("max_position_embeddings") int maxPositions,
            @JsonProperty("layer_norm_eps") double layerNormEps,
            @JsonProperty("initializer_range") double initializerRange) {
        public Text {
            positive("text_config.hidden_size", hiddenSize);
            positive("text_config.num_hidden_layers", numLayers);
            positive("text_config.num_attention_heads", numHeads);
            positive("text_config.intermediate_size", intermediateSize);
            positive("text_config.max_position_embeddings", maxPositions);
            if (hiddenSize % numHeads != 0) {
                throw new ConfigException("text_config.hidden_size (" + hiddenSize + ") must be a multiple of num_attention_heads (" + numHeads + ")");
            }
            if (!(layerNormEps > 0 && layerNormEps < 1e-3)) throw new ConfigException("text_config.layer_norm_eps must be in (0, 1e-3), was " + layerNormEps);
            if (!(initializerRange > 0 && initializerRange < 1)) throw new ConfigException("text_config.initializer_range must be in (0, 1), was " + initializerRange);
        }

        public int headDim() {
            return hiddenSize / numHeads;
        }
    }

    public ClipConfig {
        if (text == null) throw new ConfigException("text_config is required");
        if (vision == null) throw new ConfigException("vision_config is required");
        positive("projection_dim", projectionDim);
        if (!(Double.isFinite(logitScaleInit))) throw new ConfigException("logit_scale_init_value must be finite, was " + logitScaleInit);
        if (vocab == null || vocab.size() < 4 || !vocab.subList(0, 3).equals(List.of(PAD, START, END))) {
            throw new ConfigException("vocab must start with " + List.of(PAD, START, END) + " and hold at least one word, was "
                    + (vocab == null ? null : vocab.subList(0, Math.min(4, vocab.size()))));
        }
        vocab = List.copyOf(vocab);
        if (prompts == null || prompts.isEmpty()) throw new ConfigException("prompts must list one caption per pre-training class");
        prompts = List.copyOf(prompts);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            if (ids.put(vocab.get(i), i) != null) throw new ConfigException("vocab[" + i + "]: '" + vocab.get(i) + "' appears twice");
        }
        for (int i = 0; i < prompts.size(); i++) {
            List<String> words = words(prompts.get(i));
            for (String w : words) {
                if (!ids.containsKey(w)) throw new ConfigException("prompts[" + i + "]: word '" + w + "' is not in vocab");
            }
            if (words.size() + 2 > text.maxPositions()) {
                throw new ConfigException("prompts[" + i + "]: " + words.size() + " words and the start and end tokens exceed "
                        + "text_config.max_position_embeddings = " + text.maxPositions());
            }
        }
    }

    private static List<String> words(String prompt) {
        List<String> out = new ArrayList<>();
        for (String w : prompt.toLowerCase(Locale.ROOT).trim().split("\\s+")) if (!w.isEmpty()) out.add(w);
        return out;
    }

    /**
     * The prompts as token ids [prompts][L], L = the longest prompt plus the start and end tokens, padded with 0
     * after the end token.
     */
    public int[][] promptIds() {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) ids.put(vocab.get(i), i);
        int len = 0;
        List<List<String>> all = new ArrayList<>();
        for (String p : prompts) {
            all.add(words(p));
            len = Math.max(len, all.get(all.size() - 1).size() + 2);
        }
        int[][] out = new int[prompts.size()][len];
        for (int i = 0; i < all.size(); i++) {
            out[i][0] = 1;
            for (int j = 0; j < all.get(i).size(); j++) out[i][j + 1] = ids.get(all.get(i).get(j));
            out[i][all.get(i).size() + 1] = 2;
        }
        return out;
    }

    /** Position of each prompt's end token in {@link #promptIds()}. */
    public int[] promptEnds() {
        int[] out = new int[prompts.size()];
        for (int i = 0; i < out.length; i++) out[i] = words(prompts.get(i)).size() + 1;
        return out;
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new ConfigException(key + " must be > 0, was " + v);
    }

    /** CIFAR-10's classes in label order (the mini CLIP's pre-training data). */
    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** "a photo of a {class}" ("an" before a vowel) for each class, and the vocabulary they need. */
    public static ClipConfig withPrompts(Text text, VitConfig vision, int projectionDim, List<String> classes) {
        List<String> vocab = new ArrayList<>(List.of(PAD, START, END, "a", "an", "photo", "of"));
        List<String> prompts = new ArrayList<>();
        for (String c : classes) {
            List<String> words = words(c);
            if (words.isEmpty()) throw new ConfigException("class names must not be blank: " + classes);
            for (String w : words) if (!vocab.contains(w)) vocab.add(w);
            String name = String.join(" ", words);
            prompts.add("a photo of " + ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name);
        }
        return new ClipConfig(text, vision, projectionDim, Math.log(1 / 0.07), vocab, prompts);
    }

    /** This architecture with one prompt a class ({@link #withPrompts}). */
    public ClipConfig forClasses(List<String> classes) {
        ClipConfig c = withPrompts(text, vision, projectionDim, classes);
        return new ClipConfig(text, vision, projectionDim, logitScaleInit, c.vocab(), c.prompts());
    }

    /**
     * The mini scale: a vision tower of {@code vit-small}'s shape (64×64 in 8×8 patches, hidden 128, 4 layers, 4 heads,
     * MLP 512), a 2-layer text tower (hidden 64, 2 heads, MLP 256), 64-dimensional joint space; CIFAR-10 prompts.
     */
    public static ClipConfig mini() {
        return withPrompts(new Text(64, 2, 2, 256, 16, 1e-5, 0.02), new VitConfig(128, 4, 4, 512, 64, 8, 3, 1e-5, 0.02), 64, CIFAR10_CLASSES);
    }

    /** For tests: 8×8 RGB in 4×4 patches, vision hidden 16 (2 layers, 2 heads, MLP 24), text hidden 8 (1 layer), 3 classes. */
    public static ClipConfig tiny() {
        return withPrompts(new Text(8, 1, 2, 12, 8, 1e-5, 0.02), new VitConfig(16, 2, 2, 24, 8, 4, 3, 1e-5, 0.02), 6,
                List.of("cat", "dog", "ant"));
    }
}
