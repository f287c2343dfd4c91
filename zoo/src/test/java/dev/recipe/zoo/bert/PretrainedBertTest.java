package dev.recipe.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;
import dev.recipe.text.LabelledText;
import dev.recipe.text.Vocabulary;
import dev.recipe.zoo.tasks.Finetuning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class PretrainedBertTest {
    static Vocabulary vocab(int size) {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < size; i++) tokens.add("w" + i);
        return Vocabulary.of(tokens);
    }

    @Test
    void wrongVocabularyAndMissingFilesAreNamed(@TempDir Path dir) throws Exception {
        Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 1).save(dir, Map.of());
        ConfigException missing = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizer(dir));
        assertTrue(missing.getMessage().contains("vocab.txt") && missing.getMessage().contains("not found"), missing.getMessage());
        vocab(120).save(dir.resolve("vocab.txt"));
        ConfigException wrong = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizer(dir));
        assertTrue(wrong.getMessage().contains("120 tokens") && wrong.getMessage().contains("vocab_size 99"), wrong.getMessage());
        vocab(99).save(dir.resolve("vocab.txt"));
        assertEquals(99, PretrainedBert.tokenizer(dir).vocabSize());
        Files.delete(dir.resolve(BertModel.WEIGHTS_FILE));
        ConfigException noWeights = assertThrows(ConfigException.class,
                () -> PretrainedBert.load(dir, Bert.Heads.classification(2), 1));
        assertTrue(noWeights.getMessage().contains("model.safetensors") && noWeights.getMessage().contains("not found"), noWeights.getMessage());
    }

    @Test
    void aMissingModelDirectoryIsNamedAsSuch(@TempDir Path dir) throws Exception {
        Path none = dir.resolve("no-such-model");
        ConfigException missing = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizer(none));
        assertTrue(missing.getMessage().startsWith(none + ": no such model directory"), missing.getMessage());
        Path file = Files.writeString(dir.resolve("model.txt"), "not a model");
        ConfigException notDir = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizerFiles(file));
        assertTrue(notDir.getMessage().startsWith(file + ": not a directory"), notDir.getMessage());
    }

    @Test
    void truncatedWeightsGetAClearError(@TempDir Path dir) throws Exception {
        Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 1).save(dir, Map.of());
        Path w = dir.resolve(BertModel.WEIGHTS_FILE);
        byte[] all = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(all, all.length / 2));
        ConfigException e = assertThrows(ConfigException.class, () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void finetuningATinyModelLearnsAnEasyTask() {
        // token w5 means label 1, w6 label 0; the rest is noise
        List<LabelledText> data = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 256; i++) {
            int label = i % 2;
            data.add(new LabelledText("w" + (20 + r.nextInt(50)) + " " + (label == 1 ? "w5" : "w6") + " w" + (20 + r.nextInt(50)), label));
        }
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.classification(2), DataType.FLOAT, 2);
        var tok = new dev.recipe.text.BertTokenizer(vocab(99));
        Finetuning.Result res = Finetuning.run(m, tok, data.subList(0, 192), data.subList(192, 256),
                new Finetuning.Config(4, 1e-3, 16, 16, 0.0, 1), null);
        assertTrue(res.accuracy() >= 0.95, "accuracy " + res.accuracy());
        assertTrue(res.training().losses().get(0) > res.training().finalLoss());
    }
}
