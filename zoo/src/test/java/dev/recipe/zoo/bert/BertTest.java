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
import dev.recipe.nn.GradientCheck;
import dev.recipe.nn.Losses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BertTest {

    static Map<String, INDArray> batch(DataType dt) {
        INDArray ids = Nd4j.createFromArray(new int[][] {{2, 17, 45, 8, 3, 0}, {2, 60, 3, 0, 0, 0}});
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 1, 1, 1, 0}, {1, 1, 1, 0, 0, 0}}).castTo(dt);
        return Map.of(Bert.INPUT_IDS, ids, Bert.ATTENTION_MASK, mask,
                Bert.MLM_POSITIONS, Nd4j.createFromArray(1, 3, 7), Bert.MLM_LABELS, Nd4j.createFromArray(17, 8, 60),
                Bert.LABELS, Nd4j.createFromArray(1, 0));
    }

    @Test
    void tinyGraphHasHuggingFaceNamesAndFiniteOutputs() {
        BertModel m = Bert.build(BertConfig.tiny(), new Bert.Heads(true, 2), DataType.FLOAT, 1);
        Map<String, INDArray> w = m.weights();
        assertEquals(List.of(37L, 32L), List.of(w.get("bert.encoder.layer.0.intermediate.dense.weight").shape()[0],
                w.get("bert.encoder.layer.0.intermediate.dense.weight").shape()[1]));
        for (String n : List.of("bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
                "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight",
                "bert.encoder.layer.1.attention.self.query.weight", "bert.encoder.layer.1.attention.output.LayerNorm.bias",
                "bert.encoder.layer.1.output.dense.weight", "bert.pooler.dense.weight", "cls.predictions.bias",
                "cls.predictions.transform.dense.weight", "cls.predictions.transform.LayerNorm.weight",
                "classifier.weight", "classifier.bias")) {
            assertTrue(w.containsKey(n), n);
        }
        // 16 per layer, 5 embedding, 2 pooler, 5 MLM head (decoder tied), 2 classifier
        assertEquals(16 * 2 + 5 + 2 + 5 + 2, w.size(), w.keySet().toString());
        var out = m.graph().output(batch(DataType.FLOAT), Bert.MLM_LOSS, Bert.CLS_LOSS, m.spec().representation(),
                m.spec().neurons().get(1));
        assertEquals(Math.log(99), out.get(Bert.MLM_LOSS).getDouble(0), 0.5, "untrained MLM loss is about ln(vocab)");
        assertTrue(Double.isFinite(out.get(Bert.CLS_LOSS).getDouble(0)));
        assertEquals(List.of(2L, 32L), List.of(out.get(m.spec().representation()).shape()[0], out.get(m.spec().representation()).shape()[1]));
        assertEquals(12L, out.get(m.spec().neurons().get(1)).shape()[0]);
    }

    @Test
    void robertaUsesItsOwnNamesPositionOffsetAndRegularisesQueryToo() {
        BertConfig c = BertConfig.tiny().asRoberta();
        BertModel m = Bert.build(c, Bert.Heads.pretraining(), DataType.FLOAT, 1);
        Map<String, INDArray> w = m.weights();
        for (String n : List.of("roberta.embeddings.word_embeddings.weight", "roberta.encoder.layer.0.attention.self.query.weight",
                "lm_head.dense.weight", "lm_head.layer_norm.weight", "lm_head.bias")) {
            assertTrue(w.containsKey(n), n);
        }
        assertEquals(66L, w.get("roberta.embeddings.position_embeddings.weight").shape()[0]);
        assertEquals(1L, w.get("roberta.embeddings.token_type_embeddings.weight").shape()[0]);
        assertTrue(m.spec().regularised().contains("roberta.encoder.layer.1.attention.self.query.weight"));
        assertEquals(2 * 2, m.spec().regularised().size());
        // RECIPE trains every parameter the masked-LM loss reaches: all but the pooler
        List<String> trained = w.keySet().stream().filter(n -> m.spec().recipeTrainable().stream()
                .anyMatch(p -> java.util.regex.Pattern.compile(p).matcher(n).find())).toList();
        List<String> left = w.keySet().stream().filter(n -> !trained.contains(n)).sorted().toList();
        assertEquals(List.of("roberta.pooler.dense.bias", "roberta.pooler.dense.weight"), left);
        // a 64-token input uses position rows 2..65
        INDArray ids = Nd4j.ones(DataType.INT, 1, 64).muli(7);
        INDArray out = m.graph().output(Map.of(Bert.INPUT_IDS, ids, Bert.ATTENTION_MASK, Nd4j.ones(DataType.FLOAT, 1, 64)),
                "roberta.sequence_output").get("roberta.sequence_output");
        assertEquals(64L, out.shape()[0]);
        assertTrue(Double.isFinite(out.sumNumber().doubleValue()));
    }

    @Test
    void paddingDoesNotChangeRealTokenOutputs() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.encoderOnly(), DataType.DOUBLE, 3);
        INDArray ids = Nd4j.createFromArray(new int[][] {{2, 17, 45, 3}});
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 1, 4);
        INDArray a = m.graph().output(Map.of(Bert.INPUT_IDS, ids, Bert.ATTENTION_MASK, mask), "bert.sequence_output").get("bert.sequence_output");
        INDArray ids2 = Nd4j.createFromArray(new int[][] {{2, 17, 45, 3, 0, 0}});
        INDArray mask2 = Nd4j.createFromArray(new double[][] {{1, 1, 1, 1, 0, 0}});
        INDArray b = m.graph().output(Map.of(Bert.INPUT_IDS, ids2, Bert.ATTENTION_MASK, mask2), "bert.sequence_output").get("bert.sequence_output");
        assertTrue(a.equalsWithEps(b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4), org.nd4j.linalg.indexing.NDArrayIndex.all()), 1e-6));
    }

    @Test
    void wholeModelGradientsMatchFiniteDifferences() {
        BertModel m = Bert.build(BertConfig.tiny(), new Bert.Heads(true, 2), DataType.DOUBLE, 5);
        var sd = m.graph();
        List<SDVariable> reg = new ArrayList<>();
        for (String n : m.spec().regularised()) reg.add(sd.getVariable(n));
        SDVariable norm = Losses.sumOfNorms(sd, "norm", reg);
        // RECIPE's objective plus the classification loss, so that every parameter has a gradient
        sd.getVariable(Bert.MLM_LOSS).add(norm).add(sd.getVariable(Bert.CLS_LOSS)).rename("total");
        List<String> vars = new ArrayList<>(m.weights().keySet());
        GradientCheck.Report r = GradientCheck.check(sd, "total", batch(DataType.DOUBLE), vars, 4, 1e-6, 11);
        assertTrue(r.passed(1e-5, 1e-9), r.toString());
        assertTrue(r.entries().size() >= vars.size() * 2);
    }

    @Test
    void saveLoadRoundTripAndShapeMismatchIsNamed(@TempDir Path dir) {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 7);
        m.save(dir, Map.of("note", "test"));
        BertModel back = BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 8);
        assertEquals(m.weights(), back.weights());
        var b = new java.util.HashMap<>(batch(DataType.FLOAT));
        b.remove(Bert.LABELS);
        assertEquals(m.graph().output(b, Bert.MLM_LOSS).get(Bert.MLM_LOSS), back.graph().output(b, Bert.MLM_LOSS).get(Bert.MLM_LOSS));
        BertConfig other = BertConfig.tiny().withVocabSize(120);
        other.write(dir.resolve(BertModel.CONFIG_FILE));
        ConfigException e = assertThrows(ConfigException.class, () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(e.getMessage().contains("bert.embeddings.word_embeddings.weight") && e.getMessage().contains("[120, 32]"), e.getMessage());
    }

    @Test
    void configErrorsNameTheKey(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("config.json");
        String good = dev.recipe.core.Json.write(BertConfig.tiny());
        Files.writeString(f, good.replace("\"hidden_size\"", "\"hiden_size\" : 3, \"hidden_size\""));
        ConfigException e = assertThrows(ConfigException.class, () -> BertConfig.read(f));
        assertTrue(e.getMessage().contains("hiden_size") && e.getMessage().contains("hidden_size"), e.getMessage());
        assertThrows(ConfigException.class, () -> BertConfig.read(dir.resolve("absent.json")));
        ConfigException heads = assertThrows(ConfigException.class,
                () -> new BertConfig("bert", 10, 30, 1, 4, 8, 8, 2, 0, 1e-12, 0.02));
        assertTrue(heads.getMessage().contains("num_attention_heads"));
    }
}
