package dev.recipe.zoo.bert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.ByteLevelBpeTokenizer;
import dev.recipe.text.Tokenizer;
import dev.recipe.text.Vocabulary;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A model directory loaded as a graph plus the tokenizer of its own tokenizer files, after checking that the two
 * belong together (a vocabulary of another model silently maps words to the wrong embedding rows otherwise). The
 * directory is the project's own or a HuggingFace BERT / RoBERTa checkpoint ({@link HuggingFace}: config.json,
 * model.safetensors, optional tokenizer_config.json) with either a WordPiece {@code vocab.txt} ({@link BertTokenizer})
 * or RoBERTa's byte-level BPE {@code vocab.json} + {@code merges.txt} ({@link ByteLevelBpeTokenizer}).
 */
public record PretrainedBert(Path dir, BertModel model, Tokenizer tokenizer) {
    /** HuggingFace's tokenizer settings file, checked when present. */
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String WORDPIECE_VOCAB = "vocab.txt";
    public static final String BPE_VOCAB = "vocab.json";
    public static final String BPE_MERGES = "merges.txt";
    /** The tokenizer classes whose algorithm {@link ByteLevelBpeTokenizer} reproduces. */
    static final List<String> BPE_TOKENIZER_CLASSES = List.of("RobertaTokenizer", "RobertaTokenizerFast");

    public static PretrainedBert load(Path dir, Bert.Heads heads, long seed) {
        Tokenizer tok = tokenizer(dir);
        BertModel model = BertModel.load(dir, heads, DataType.FLOAT, seed);
        return new PretrainedBert(dir, model, tok);
    }

    /**
     * The files the directory's tokenizer is read from, by role: {@code vocab} → vocab.txt for WordPiece; {@code vocab}
     * → vocab.json and {@code merges} → merges.txt for byte-level BPE (what {@link #tokenizer} reads; for provenance
     * and for copying a model directory).
     *
     * @throws ConfigException as {@link #tokenizer} when the directory has neither
     */
    public static Map<String, Path> tokenizerFiles(Path dir) {
        Map<String, Path> m = new LinkedHashMap<>();
        if (Files.isRegularFile(dir.resolve(WORDPIECE_VOCAB))) {
            m.put("vocab", dir.resolve(WORDPIECE_VOCAB));
        } else if (isByteLevelBpe(dir)) {
            m.put("vocab", dir.resolve(BPE_VOCAB));
            m.put("merges", dir.resolve(BPE_MERGES));
        } else {
            throw missingTokenizer(dir);
        }
        return m;
    }

    private static boolean isByteLevelBpe(Path dir) {
        return !Files.isRegularFile(dir.resolve(WORDPIECE_VOCAB)) && Files.isRegularFile(dir.resolve(BPE_VOCAB))
                && Files.isRegularFile(dir.resolve(BPE_MERGES));
    }

    private static ConfigException missingTokenizer(Path dir) {
        if (!Files.exists(dir)) {
            return new ConfigException(dir + ": no such model directory (expected a directory with config.json, "
                    + "model.safetensors and a tokenizer's vocabulary, or zoo:NAME)");
        }
        if (!Files.isDirectory(dir)) {
            return new ConfigException(dir + ": not a directory (a model is a directory with config.json, "
                    + "model.safetensors and a tokenizer's vocabulary, or zoo:NAME)");
        }
        boolean json = Files.isRegularFile(dir.resolve(BPE_VOCAB));
        boolean merges = Files.isRegularFile(dir.resolve(BPE_MERGES));
        if (json != merges) {
            Path missing = dir.resolve(json ? BPE_MERGES : BPE_VOCAB);
            return new ConfigException(missing + ": file not found; " + dir + " has " + (json ? BPE_VOCAB : BPE_MERGES)
                    + " but RoBERTa's byte-level BPE needs both vocab.json and merges.txt (and there is no WordPiece "
                    + "vocab.txt)");
        }
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return new ConfigException(dir.resolve(WORDPIECE_VOCAB) + ": file not found; " + dir + " has only tokenizer.json "
                    + "(a fast tokenizer file); a WordPiece vocab.txt (one token a line in id order) or a byte-level BPE "
                    + "vocab.json + merges.txt is needed");
        }
        return new ConfigException(dir.resolve(WORDPIECE_VOCAB) + ": file not found, and no vocab.json + merges.txt "
                + "either (a model directory needs a WordPiece vocab.txt or RoBERTa's byte-level BPE vocab.json + "
                + "merges.txt)");
    }

    /**
     * The directory's tokenizer, checked against its config.json (vocab_size, pad_token_id) and its
     * tokenizer_config.json if present: vocab.txt → {@link BertTokenizer}; else vocab.json + merges.txt →
     * {@link ByteLevelBpeTokenizer}.
     */
    public static Tokenizer tokenizer(Path dir) {
        Path vocabFile = dir.resolve(WORDPIECE_VOCAB);
        Tokenizer tok;
        String source;
        if (Files.isRegularFile(vocabFile)) {
            checkTokenizerConfig(dir.resolve(TOKENIZER_CONFIG));
            tok = new BertTokenizer(Vocabulary.load(vocabFile).requireSpecials());
            source = vocabFile.toString();
        } else if (isByteLevelBpe(dir)) {
            checkBpeTokenizerConfig(dir.resolve(TOKENIZER_CONFIG));
            try {
                tok = ByteLevelBpeTokenizer.load(dir);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
            source = dir.resolve(BPE_VOCAB).toString();
        } else {
            throw missingTokenizer(dir);
        }
        BertConfig config = BertConfig.read(dir.resolve(BertModel.CONFIG_FILE));
        if (tok.vocabSize() != config.vocabSize()) {
            throw new ConfigException(source + " has " + tok.vocabSize() + " tokens but " + dir.resolve(BertModel.CONFIG_FILE)
                    + " says vocab_size " + config.vocabSize() + ": wrong vocabulary for this model");
        }
        if (tok.padId() != config.padTokenId()) {
            throw new ConfigException(source + ": " + tok.token(tok.padId()) + " has id " + tok.padId()
                    + " but config.json pad_token_id is " + config.padTokenId());
        }
        return tok;
    }

    /**
     * A HuggingFace {@code tokenizer_config.json} next to vocab.json + merges.txt, if present, must describe the
     * tokenizer {@link ByteLevelBpeTokenizer} reproduces: {@code tokenizer_class} absent, null or one of
     * {@link #BPE_TOKENIZER_CLASSES} (GPT-2's tokenizer, for one, does not frame with {@code <s>} / {@code </s>}), and
     * {@code add_prefix_space} absent, null or false (true would tokenize a sentence's first word as if a space
     * preceded it). Other keys are not read.
     */
    static void checkBpeTokenizerConfig(Path file) {
        if (!Files.isRegularFile(file)) return;
        ObjectNode t = Json.readTree(file);
        JsonNode cls = t.get("tokenizer_class");
        if (cls != null && !cls.isNull() && !BPE_TOKENIZER_CLASSES.contains(cls.asText())) {
            throw new ConfigException(file + ": tokenizer_class '" + cls.asText() + "' is not supported with vocab.json "
                    + "+ merges.txt: the toolkit's byte-level BPE is RoBERTa's (" + BPE_TOKENIZER_CLASSES + ")");
        }
        JsonNode prefix = t.get("add_prefix_space");
        if (prefix != null && !prefix.isNull() && prefix.asBoolean(false)) {
            throw new ConfigException(file + ": add_prefix_space true is not supported: the toolkit's byte-level BPE "
                    + "tokenizes as RobertaTokenizer with add_prefix_space false (the default)");
        }
    }

    /**
     * A HuggingFace {@code tokenizer_config.json}, if present, must describe the tokenizer {@link BertTokenizer}
     * reproduces: lower-casing with accents stripped ({@code do_lower_case} true, {@code strip_accents} absent, null
     * or true) and Chinese characters split ({@code tokenize_chinese_chars} absent or true). A cased model would
     * otherwise see lower-cased text silently. Other keys are not read.
     */
    static void checkTokenizerConfig(Path file) {
        if (!Files.isRegularFile(file)) return;
        ObjectNode t = Json.readTree(file);
        JsonNode lower = t.get("do_lower_case");
        if (lower != null && !lower.isNull() && !lower.asBoolean(true)) {
            throw new ConfigException(file + ": do_lower_case false (a cased model) is not supported: the toolkit's "
                    + "WordPiece tokenizer is BERT's uncased one (lower-cases and strips accents)");
        }
        JsonNode strip = t.get("strip_accents");
        if (strip != null && !strip.isNull() && !strip.asBoolean(true)) {
            throw new ConfigException(file + ": strip_accents false is not supported: the toolkit's WordPiece "
                    + "tokenizer strips accents when it lower-cases, as BERT uncased");
        }
        JsonNode chinese = t.get("tokenize_chinese_chars");
        if (chinese != null && !chinese.isNull() && !chinese.asBoolean(true)) {
            throw new ConfigException(file + ": tokenize_chinese_chars false is not supported: the toolkit's tokenizer "
                    + "splits CJK characters, as BERT's default");
        }
    }
}
