package dev.recipe.zoo.bert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.SafeTensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reading HuggingFace {@code transformers} checkpoint directories (what {@code save_pretrained} writes for BERT and
 * RoBERTa) into the zoo's graphs.
 *
 * <p><b>config.json.</b> A config is read as HuggingFace's when it has one of the keys {@code transformers_version},
 * {@code architectures} or {@code hidden_act}, which the project's own configs never have (those stay strictly
 * bound: any unknown key fails). From a HuggingFace config the architecture keys are taken ({@code model_type},
 * or failing it the {@code architectures} class name; the sizes; and, when absent, transformers' class defaults for
 * {@code pad_token_id} (bert 0, roberta 1), {@code type_vocab_size} 2, {@code layer_norm_eps} 1e-12 and
 * {@code initializer_range} 0.02). The keys that change what the network computes are checked, each failing with
 * the file, the key and what is supported: {@code hidden_act} must be "gelu" (the exact erf GELU the graph
 * computes), {@code position_embedding_type} "absolute", {@code is_decoder}, {@code add_cross_attention} and
 * {@code is_encoder_decoder} false, {@code pruned_heads} empty; {@code tie_word_embeddings} false is accepted only
 * with a decoder equal to the word embeddings. The keys in {@link #INERT} are ignored (each with its reason); any
 * other key is reported in {@link Config#unknownKeys()} and logged by the loader, not an error.
 *
 * <p><b>Weights.</b> {@code model.safetensors}, or the shards named by {@code model.safetensors.index.json}.
 * {@code pytorch_model.bin} (a zip of pickles; unpickling can run arbitrary code) and TensorFlow/Flax files are
 * refused with a message naming the file and how to convert it. See {@link #adapt} for what is done to the tensors.
 */
public final class HuggingFace {
    public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    public static final String PYTORCH_BIN = "pytorch_model.bin";

    /** Keys whose presence marks a HuggingFace config.json. */
    public static final Set<String> MARKERS = Set.of("transformers_version", "architectures", "hidden_act");

    /** The architecture keys read from a HuggingFace config (the project's BertConfig keys). */
    static final Set<String> ARCHITECTURE = Set.of("model_type", "vocab_size", "hidden_size", "num_hidden_layers",
            "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size", "pad_token_id",
            "layer_norm_eps", "initializer_range");

    /** Keys checked for a supported value (see the class comment). */
    static final Set<String> CHECKED = Set.of("hidden_act", "position_embedding_type", "is_decoder",
            "add_cross_attention", "is_encoder_decoder", "pruned_heads", "tie_word_embeddings");

    /** Keys that do not change the function the zoo graph computes, with the reason they can be ignored. */
    public static final Map<String, String> INERT = inert();

    private static Map<String, String> inert() {
        Map<String, String> m = new TreeMap<>();
        String dropout = "dropout: the zoo graph has none; training regularisation is the project's own configuration";
        for (String k : List.of("hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout")) m.put(k, dropout);
        String info = "provenance only";
        for (String k : List.of("transformers_version", "_name_or_path", "name_or_path", "architectures")) m.put(k, info);
        m.put("torch_dtype", "each tensor's type comes from the safetensors header");
        m.put("use_cache", "key/value cache of decoders; this is an encoder");
        m.put("gradient_checkpointing", "memory/speed trade-off of training, same results");
        m.put("chunk_size_feed_forward", "feed-forward chunking, same results");
        String labels = "label names; the classifier's size comes from the heads asked for and classifier.weight's shape is checked";
        for (String k : List.of("id2label", "label2id", "num_labels", "problem_type", "finetuning_task")) m.put(k, labels);
        String tokens = "special-token ids for generation; the tokenizer takes them from the vocabulary";
        for (String k : List.of("bos_token_id", "eos_token_id", "sep_token_id", "cls_token_id", "decoder_start_token_id",
                "forced_bos_token_id", "forced_eos_token_id")) m.put(k, tokens);
        String output = "what forward() returns in transformers, not how it computes";
        for (String k : List.of("output_hidden_states", "output_attentions", "return_dict", "torchscript",
                "output_past", "use_return_dict")) m.put(k, output);
        String generation = "text-generation setting, unused by an encoder";
        for (String k : List.of("max_length", "min_length", "do_sample", "early_stopping", "num_beams", "num_beam_groups",
                "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty", "length_penalty",
                "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids", "num_return_sequences",
                "output_scores", "return_dict_in_generate", "remove_invalid_values", "exponential_decay_length_penalty",
                "suppress_tokens", "begin_suppress_tokens", "tie_encoder_decoder", "cross_attention_hidden_size",
                "prefix", "task_specific_params")) m.put(k, generation);
        m.put("tokenizer_class", "tokenizer choice; the tokenizer is read from vocab.txt or vocab.json + merges.txt");
        return java.util.Collections.unmodifiableMap(m);
    }

    private HuggingFace() {}

    /**
     * A config.json as read: the graph's {@link BertConfig}; for a HuggingFace file also its architectures, whether
     * the output embeddings are tied, the inert keys it had and the unknown keys (reported, not fatal).
     */
    public record Config(Path file, BertConfig config, boolean huggingFace, List<String> architectures,
                         boolean tieWordEmbeddings, List<String> ignoredKeys, List<String> unknownKeys) {}

    /** True if the JSON object is a HuggingFace config (has one of {@link #MARKERS}). */
    public static boolean isHuggingFace(JsonNode tree) {
        for (String k : MARKERS) if (tree.has(k)) return true;
        return false;
    }

    /** Reads a project or HuggingFace config.json (see the class comment). */
    public static Config readConfig(Path file) {
        if (!Files.isRegularFile(file)) Json.read(file, BertConfig.class); // throws the usual "file not found"
        ObjectNode tree = Json.readTree(file);
        if (!isHuggingFace(tree)) {
            return new Config(file, Json.read(file, BertConfig.class), false, List.of(), true, List.of(), List.of());
        }
        return fromHuggingFace(file, tree);
    }

    private static Config fromHuggingFace(Path file, ObjectNode tree) {
        List<String> architectures = new ArrayList<>();
        for (JsonNode a : tree.path("architectures")) architectures.add(a.asText());
        String modelType = modelType(file, tree, architectures);
        boolean roberta = "roberta".equals(modelType);

        String act = text(file, tree, "hidden_act", "gelu");
        if (!"gelu".equals(act)) {
            throw new ConfigException(file + ": hidden_act \"" + act + "\" is not supported: the zoo graph computes the "
                    + "exact erf GELU, transformers' \"gelu\" (supported: gelu)");
        }
        String pos = text(file, tree, "position_embedding_type", "absolute");
        if (!"absolute".equals(pos)) {
            throw new ConfigException(file + ": position_embedding_type \"" + pos + "\" is not supported: the zoo graph "
                    + "has learned absolute position embeddings (supported: absolute)");
        }
        for (String k : List.of("is_decoder", "add_cross_attention", "is_encoder_decoder")) {
            if (bool(file, tree, k, false)) {
                throw new ConfigException(file + ": " + k + " true is not supported: the zoo graph is a bidirectional "
                        + "encoder without cross-attention (expected false or absent)");
            }
        }
        JsonNode pruned = tree.path("pruned_heads");
        if (!pruned.isMissingNode() && !pruned.isNull() && pruned.size() > 0) {
            throw new ConfigException(file + ": pruned_heads " + pruned + " is not supported: every layer of the zoo "
                    + "graph has num_attention_heads heads (expected {} or absent)");
        }
        boolean tie = bool(file, tree, "tie_word_embeddings", true);

        BertConfig config;
        try {
            config = new BertConfig(modelType,
                    integer(file, tree, "vocab_size", null),
                    integer(file, tree, "hidden_size", null),
                    integer(file, tree, "num_hidden_layers", null),
                    integer(file, tree, "num_attention_heads", null),
                    integer(file, tree, "intermediate_size", null),
                    integer(file, tree, "max_position_embeddings", null),
                    integer(file, tree, "type_vocab_size", 2),
                    integer(file, tree, "pad_token_id", roberta ? 1 : 0),
                    number(file, tree, "layer_norm_eps", 1e-12),
                    number(file, tree, "initializer_range", 0.02));
        } catch (ConfigException e) {
            if (e.getMessage().startsWith(file.toString())) throw e;
            throw new ConfigException(file + ": " + e.getMessage());
        }
        if (roberta && config.maxPositions() <= config.positionOffset()) {
            throw new ConfigException(file + ": max_position_embeddings " + config.maxPositions() + " leaves no position "
                    + "for RoBERTa, whose positions start at pad_token_id + 1 = " + config.positionOffset());
        }
        List<String> ignored = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (ARCHITECTURE.contains(k) || CHECKED.contains(k)) continue;
            if (INERT.containsKey(k)) ignored.add(k);
            else unknown.add(k);
        }
        return new Config(file, config, true, List.copyOf(architectures), tie, List.copyOf(ignored), List.copyOf(unknown));
    }

    private static String modelType(Path file, ObjectNode tree, List<String> architectures) {
        JsonNode t = tree.get("model_type");
        if (t != null && !t.isNull()) {
            if (!t.isTextual()) throw new ConfigException(file + ": key 'model_type' must be a string, was " + t);
            String v = t.asText();
            if (!"bert".equals(v) && !"roberta".equals(v)) {
                throw new ConfigException(file + ": model_type \"" + v + "\" is not supported (supported: bert, roberta)");
            }
            return v;
        }
        for (String a : architectures) {
            if (a.startsWith("Bert")) return "bert";
            if (a.startsWith("Roberta")) return "roberta";
        }
        throw new ConfigException(file + ": key 'model_type' is missing and architectures " + architectures
                + " names no Bert* or Roberta* class (supported model_type: bert, roberta)");
    }

    private static String text(Path file, ObjectNode tree, String key, String dflt) {
        JsonNode v = tree.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isTextual()) throw new ConfigException(file + ": key '" + key + "' must be a string, was " + v);
        return v.asText();
    }

    private static boolean bool(Path file, ObjectNode tree, String key, boolean dflt) {
        JsonNode v = tree.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new ConfigException(file + ": key '" + key + "' must be true or false, was " + v);
        return v.asBoolean();
    }

    private static int integer(Path file, ObjectNode tree, String key, Integer dflt) {
        JsonNode v = tree.get(key);
        if (v == null || v.isNull()) {
            if (dflt != null) return dflt;
            throw new ConfigException(file + ": key '" + key + "' is missing (needed to build the graph)");
        }
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw new ConfigException(file + ": key '" + key + "' must be an integer, was " + v);
        }
        return v.intValue();
    }

    private static double number(Path file, ObjectNode tree, String key, double dflt) {
        JsonNode v = tree.get(key);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw new ConfigException(file + ": key '" + key + "' must be a number, was " + v);
        return v.doubleValue();
    }

    // ------------------------------------------------------------------------------------------------ weights

    /** Tensors of a model directory and the file (or index) they came from. */
    public record Weights(Path source, Map<String, INDArray> tensors) {}

    /**
     * The directory's weights: {@code model.safetensors}, or the shards listed in
     * {@code model.safetensors.index.json}. A directory with only {@code pytorch_model.bin} (or TensorFlow/Flax
     * weights) fails naming that file and how to convert it.
     */
    public static Weights readWeights(Path dir) {
        Path single = dir.resolve(BertModel.WEIGHTS_FILE);
        if (Files.isRegularFile(single)) return new Weights(single, SafeTensors.read(single).tensors());
        Path index = dir.resolve(SAFETENSORS_INDEX);
        if (Files.isRegularFile(index)) return new Weights(index, readShards(index));
        for (String bin : List.of(PYTORCH_BIN, PYTORCH_BIN + ".index.json")) {
            Path p = dir.resolve(bin);
            if (Files.exists(p)) {
                throw new ConfigException(p + ": PyTorch pickle checkpoints are not read, because unpickling can execute "
                        + "arbitrary code; convert it to " + single.getFileName() + " first, e.g. with transformers: "
                        + "AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True), or with torch and "
                        + "safetensors: sd = torch.load('pytorch_model.bin', map_location='cpu', weights_only=True); "
                        + "safetensors.torch.save_file({k: v.clone().contiguous() for k, v in sd.items()}, "
                        + "'model.safetensors', metadata={'format': 'pt'})");
            }
        }
        for (String other : List.of("tf_model.h5", "flax_model.msgpack", "model.ckpt.index")) {
            Path p = dir.resolve(other);
            if (Files.exists(p)) {
                throw new ConfigException(p + ": TensorFlow/Flax checkpoints are not read; convert to " + single.getFileName()
                        + " with transformers, e.g. AutoModel.from_pretrained(dir, from_tf=True).save_pretrained(dir, "
                        + "safe_serialization=True)");
            }
        }
        throw new ConfigException(single + ": file not found (a model directory needs config.json and "
                + single.getFileName() + " or " + SAFETENSORS_INDEX + ")");
    }

    private static Map<String, INDArray> readShards(Path index) {
        JsonNode map = Json.readTree(index).path("weight_map");
        if (!map.isObject() || map.size() == 0) {
            throw new ConfigException(index + ": key 'weight_map' is missing or empty (expected {tensor: shard file})");
        }
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            var e = it.next();
            String shard = e.getValue().asText();
            if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new ConfigException(index + ": shard '" + shard + "' of tensor '" + e.getKey()
                        + "' is not a file name in the model directory");
            }
            byShard.computeIfAbsent(shard, s -> new ArrayList<>()).add(e.getKey());
        }
        Map<String, INDArray> all = new TreeMap<>();
        for (var e : byShard.entrySet()) {
            Path shard = index.resolveSibling(e.getKey());
            Map<String, INDArray> t = SafeTensors.read(shard).tensors();
            for (String name : e.getValue()) {
                INDArray a = t.get(name);
                if (a == null) throw new ConfigException(shard + ": tensor '" + name + "' listed in " + index + " is not in this shard");
                all.put(name, a);
            }
        }
        return all;
    }

    /**
     * Maps a checkpoint's tensors onto the zoo graph's names and drops what the graph cannot use, recording each step
     * in {@code notes}:
     * <ul>
     *   <li>TF-era LayerNorm names {@code gamma}/{@code beta} become {@code weight}/{@code bias} (as transformers
     *       does); a bare encoder (saved from {@code BertModel}/{@code RobertaModel}: {@code embeddings.*},
     *       {@code encoder.*}, {@code pooler.*}) gets the {@code bert.}/{@code roberta.} prefix.</li>
     *   <li>The buffers {@code <prefix>.embeddings.position_ids} (persistent before transformers 4.31) and
     *       {@code token_type_ids} are dropped; for BERT position_ids must be 0..n-1, the positions the graph uses
     *       (RoBERTa computes its positions from the input ids and never reads the buffer).</li>
     *   <li>The MLM decoder ({@code cls.predictions.decoder.weight}, {@code lm_head.decoder.weight}) is the word
     *       embedding matrix in the graph, as in transformers with {@code tie_word_embeddings} true (the default):
     *       save_pretrained omits it, older files carry a copy, which is dropped (transformers ties it to the word
     *       embeddings after loading, so it is never used either). With {@code tie_word_embeddings} false and a
     *       masked-LM head it must be present and equal to the word embeddings, else an error.
     *       {@code decoder.bias} is tied to {@code bias}: taken when {@code bias} is absent, else it must be equal.</li>
     *   <li>RoBERTa's sequence-classification head ({@code classifier.dense}, tanh, {@code classifier.out_proj} on
     *       the first token) is the zoo's pooler (dense, tanh on the first token) plus {@code classifier}: with no
     *       pooler in the file, {@code classifier.dense.*} becomes {@code roberta.pooler.dense.*} and
     *       {@code classifier.out_proj.*} becomes {@code classifier.*}. BERT's classifier already has the zoo's
     *       names.</li>
     *   <li>{@code classifier.*} of a checkpoint whose {@code architectures} name no *ForSequenceClassification
     *       class (token classification, multiple choice) is dropped: same names and shapes, another task.</li>
     * </ul>
     *
     * @return the tensors under graph names, with {@code renamed} (graph name to file name) filled for renames
     */
    static Map<String, INDArray> adapt(Map<String, INDArray> in, Config cfg, Bert.Heads heads, Path source,
                                       Map<String, String> renamed, List<String> notes) {
        BertConfig c = cfg.config();
        String p = c.prefix();
        Map<String, INDArray> t = new TreeMap<>();
        boolean prefixed = in.keySet().stream().anyMatch(k -> k.startsWith(p + "."));
        boolean bare = !prefixed && in.keySet().stream().anyMatch(k -> k.startsWith("embeddings.") || k.startsWith("encoder."));
        int gammaBeta = 0;
        for (Map.Entry<String, INDArray> e : in.entrySet()) {
            String k = e.getKey();
            String n = k;
            if (n.endsWith(".gamma") && (n.contains("LayerNorm") || n.contains("layer_norm"))) { n = n.substring(0, n.length() - 6) + ".weight"; gammaBeta++; }
            else if (n.endsWith(".beta") && (n.contains("LayerNorm") || n.contains("layer_norm"))) { n = n.substring(0, n.length() - 5) + ".bias"; gammaBeta++; }
            if (bare && (n.startsWith("embeddings.") || n.startsWith("encoder.") || n.startsWith("pooler."))) n = p + "." + n;
            if (t.containsKey(n)) {
                throw new ConfigException(source + ": tensors '" + renamed.getOrDefault(n, n) + "' and '" + k
                        + "' both map to '" + n + "'");
            }
            t.put(n, e.getValue());
            if (!n.equals(k)) renamed.put(n, k);
        }
        if (gammaBeta > 0) notes.add(gammaBeta + " LayerNorm tensors named gamma/beta read as weight/bias");
        if (bare) notes.add("bare " + p + " encoder names (embeddings.*, encoder.*, pooler.*) read with the '" + p + ".' prefix");

        String ep = p + ".embeddings.";
        INDArray positionIds = t.remove(ep + "position_ids");
        if (positionIds != null) {
            if (!"roberta".equals(c.modelType())) {
                long n = positionIds.length();
                boolean arange = n == c.maxPositions() && positionIds.rank() <= 2;
                for (long i = 0; arange && i < n; i++) arange = positionIds.getLong(i) == i;
                if (!arange) {
                    throw new ConfigException(source + ": buffer '" + ep + "position_ids' " + Arrays.toString(positionIds.shape())
                            + " is not 0.." + (c.maxPositions() - 1) + "; the zoo graph uses positions 0..S-1");
                }
            }
            notes.add("buffer " + ep + "position_ids dropped (the graph computes positions itself)");
        }
        if (t.remove(ep + "token_type_ids") != null) notes.add("buffer " + ep + "token_type_ids dropped (token type 0 everywhere)");

        boolean roberta = "roberta".equals(c.modelType());
        String hp = roberta ? "lm_head" : "cls.predictions";
        String words = ep + "word_embeddings.weight";
        INDArray decoder = t.remove(hp + ".decoder.weight");
        INDArray we = t.get(words);
        if (decoder != null) {
            boolean equal = we != null && same(decoder, we);
            if (!cfg.tieWordEmbeddings() && heads.maskedLm() && !equal) {
                throw new ConfigException(source + ": '" + hp + ".decoder.weight' differs from '" + words + "' and "
                        + cfg.file().getFileName() + " sets tie_word_embeddings false: an untied output embedding is not "
                        + "supported (the zoo graph's decoder is the word-embedding matrix)");
            }
            notes.add("'" + hp + ".decoder.weight' dropped: tied to '" + words + "'"
                    + (equal ? " (equal)" : " (it differs; transformers ties it to the word embeddings after loading, "
                    + "so the file's copy is not used there either)"));
        } else if (!cfg.tieWordEmbeddings() && heads.maskedLm()) {
            throw new ConfigException(source + ": missing tensor '" + hp + ".decoder.weight': " + cfg.file().getFileName()
                    + " sets tie_word_embeddings false, so the decoder is not the word-embedding matrix");
        }
        INDArray decoderBias = t.remove(hp + ".decoder.bias");
        if (decoderBias != null) {
            INDArray bias = t.get(hp + ".bias");
            if (bias == null) {
                t.put(hp + ".bias", decoderBias);
                renamed.put(hp + ".bias", hp + ".decoder.bias");
                notes.add("'" + hp + ".decoder.bias' read as '" + hp + ".bias' (tied in transformers)");
            } else if (heads.maskedLm() && !same(bias, decoderBias)) {
                throw new ConfigException(source + ": '" + hp + ".decoder.bias' differs from '" + hp + ".bias'; they are "
                        + "one tied parameter in transformers, so the file is inconsistent");
            } else {
                notes.add("'" + hp + ".decoder.bias' dropped: tied to '" + hp + ".bias'");
            }
        }

        List<String> archs = cfg.architectures();
        if (!archs.isEmpty() && archs.stream().noneMatch(a -> a.endsWith("ForSequenceClassification"))) {
            List<String> head = t.keySet().stream().filter(k -> k.startsWith("classifier.")).toList();
            if (!head.isEmpty()) {
                head.forEach(t::remove);
                notes.add(head + " dropped: the head of " + archs + " is not a sequence classifier, which is what the "
                        + "zoo graph's classifier is");
            }
        }
        if (roberta && t.containsKey("classifier.dense.weight") && t.containsKey("classifier.out_proj.weight")) {
            if (t.containsKey(p + ".pooler.dense.weight")) {
                if (heads.numLabels() > 0) {
                    throw new ConfigException(source + ": has both '" + p + ".pooler.dense.weight' and RoBERTa's "
                            + "classification head 'classifier.dense.weight'; the zoo graph's classifier sits on the "
                            + "pooler, so only one of them can be loaded");
                }
            } else {
                for (String s : List.of("weight", "bias")) {
                    move(t, renamed, "classifier.dense." + s, p + ".pooler.dense." + s);
                    move(t, renamed, "classifier.out_proj." + s, "classifier." + s);
                }
                notes.add("RoBERTa classification head read as the pooler (classifier.dense -> " + p + ".pooler.dense) and "
                        + "classifier (classifier.out_proj -> classifier): the same function, dense and tanh on <s>, then linear");
            }
        }
        return t;
    }

    private static void move(Map<String, INDArray> t, Map<String, String> renamed, String from, String to) {
        INDArray a = t.remove(from);
        if (a == null) return;
        t.put(to, a);
        renamed.put(to, renamed.getOrDefault(from, from));
    }

    private static boolean same(INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) return false;
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() == 0;
    }
}
