package dev.recipe.zoo.bert;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.recipe.core.ConfigException;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.Vocabulary;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A model directory loaded as a graph plus the tokenizer of its own {@code vocab.txt}, after checking that the two
 * belong together (a vocabulary of another model silently maps words to the wrong embedding rows otherwise).
 */
public record PretrainedBert(Path dir, BertModel model, BertTokenizer tokenizer) {

    public static PretrainedBert load(Path dir, Bert.Heads heads, long seed) {
        BertTokenizer tok = tokenizer(dir);
        BertModel model = BertModel.load(dir, heads, DataType.FLOAT, seed);
        return new PretrainedBert(dir, model, tok);
    }

    /** The directory's tokenizer, checked against its config.json. */
    public static BertTokenizer tokenizer(Path dir) {
        Path vocabFile = dir.resolve("vocab.txt");
        if (!Files.isRegularFile(vocabFile)) throw new ConfigException(vocabFile + ": file not found (a BERT model directory needs vocab.txt)");
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
}
