package dev.recipe.zoo.bert;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.Vocabulary;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A model directory loaded as a graph plus the tokenizer of its own {@code vocab.txt}, after checking that the two
 * belong together (a vocabulary of another model silently maps words to the wrong embedding rows otherwise). The
 * directory is the project's own or a HuggingFace BERT checkpoint ({@link HuggingFace}: config.json,
 * model.safetensors, vocab.txt, optional tokenizer_config.json); RoBERTa's byte-level BPE (vocab.json + merges.txt)
 * is refused with a message, its weights load with {@link BertModel#load}.
 */
public record PretrainedBert(Path dir, BertModel model, BertTokenizer tokenizer) {
    /** HuggingFace's tokenizer settings file, checked when present. */
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    public static PretrainedBert load(Path dir, Bert.Heads heads, long seed) {
        BertTokenizer tok = tokenizer(dir);
        BertModel model = BertModel.load(dir, heads, DataType.FLOAT, seed);
        return new PretrainedBert(dir, model, tok);
    }

    /** The directory's tokenizer, checked against its config.json. */
    public static BertTokenizer tokenizer(Path dir) {
        Path vocabFile = dir.resolve("vocab.txt");
        if (!Files.isRegularFile(vocabFile)) {
            if (Files.isRegularFile(dir.resolve("vocab.json")) || Files.isRegularFile(dir.resolve("merges.txt"))) {
                throw new ConfigException(vocabFile + ": file not found; " + dir + " has vocab.json/merges.txt, RoBERTa's "
                        + "byte-level BPE, which this toolkit cannot tokenize yet (only WordPiece vocab.txt). The weights "
                        + "load with BertModel.load; tokenize with transformers and feed the ids");
            }
            if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
                throw new ConfigException(vocabFile + ": file not found; " + dir + " has only tokenizer.json (a fast "
                        + "tokenizer file); a WordPiece vocab.txt is needed, one token a line in id order");
            }
            throw new ConfigException(vocabFile + ": file not found (a BERT model directory needs vocab.txt)");
        }
        checkTokenizerConfig(dir.resolve(TOKENIZER_CONFIG));
        Vocabulary vocab = Vocabulary.load(vocabFile).requireSpecials();
        BertConfig config = BertConfig.read(dir.resolve(BertModel.CONFIG_FILE));
        if (vocab.size() != config.vocabSize()) {
            throw new ConfigException(vocabFile + " has " + vocab.size() + " tokens but " + dir.resolve(BertModel.CONFIG_FILE)
                    + " says vocab_size " + config.vocabSize() + ": wrong vocabulary for this model");
        }
        if (vocab.padId() != config.padTokenId()) {
            throw new ConfigException(vocabFile + ": [PAD] has id " + vocab.padId() + " but config.json pad_token_id is "
                    + config.padTokenId());
        }
        return new BertTokenizer(vocab);
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
