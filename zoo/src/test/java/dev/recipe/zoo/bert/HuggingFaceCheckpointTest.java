package dev.recipe.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.SafeTensors;
import dev.recipe.text.ByteLevelBpeTokenizer;
import dev.recipe.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * HuggingFace checkpoint directories (zoo/src/test/resources/hf, written by tools/fixtures/export_hf_checkpoints.py
 * as transformers' save_pretrained writes them) load through the public paths and reproduce PyTorch's outputs;
 * what cannot be loaded fails naming the file, key or tensor.
 */
class HuggingFaceCheckpointTest {
    static final double TOLERANCE = 1e-4;

    static Path fixture(String name) {
        try {
            return Path.of(HuggingFaceCheckpointTest.class.getResource("/hf/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode golden(String name) {
        return Json.readTree(fixture(name + ".golden.json"));
    }

    static INDArray tensor(JsonNode t) {
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        double[] data = new double[t.get("data").size()];
        for (int i = 0; i < data.length; i++) data[i] = t.get("data").get(i).asDouble();
        return Nd4j.createFromArray(data).reshape(shape);
    }

    /** Graph inputs from the golden file; masked-LM positions: every position, or the real (mask 1) ones only. */
    static Map<String, INDArray> feed(JsonNode g, boolean realPositionsOnly) {
        INDArray ids = tensor(g.get("inputs").get("input_ids")).castTo(DataType.INT);
        INDArray mask = tensor(g.get("inputs").get("attention_mask"));
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(Bert.INPUT_IDS, ids);
        feed.put(Bert.ATTENTION_MASK, mask.castTo(DataType.FLOAT));
        feed.put(Bert.MLM_POSITIONS, Nd4j.createFromArray(positions(mask, realPositionsOnly)));
        feed.put(Bert.MLM_LABELS, Nd4j.zeros(DataType.INT, positions(mask, realPositionsOnly).length));
        feed.put(Bert.LABELS, Nd4j.zeros(DataType.INT, ids.size(0)));
        return feed;
    }

    static int[] positions(INDArray mask, boolean realOnly) {
        List<Integer> out = new ArrayList<>();
        INDArray flat = mask.reshape(-1);
        for (int i = 0; i < flat.length(); i++) if (!realOnly || flat.getDouble(i) == 1) out.add(i);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** PyTorch's [B, S, X] output as the graph's [B·S, X] rows at {@code rows}. */
    static INDArray rows(INDArray expected, int[] rows) {
        INDArray flat = expected.reshape(-1, expected.size(expected.rank() - 1));
        return Nd4j.pullRows(flat, 1, rows);
    }

    static double maxDiff(String what, INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double d = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        System.out.printf("%s: max |diff| %.3g over %d values%n", what, d, expected.length());
        assertTrue(d < TOLERANCE, what + ": max |diff| " + d);
        return d;
    }

    static Map<String, INDArray> run(BertModel m, Map<String, INDArray> feed, String... outputs) {
        Map<String, INDArray> f = new HashMap<>(feed);
        if (!m.heads().maskedLm()) { f.remove(Bert.MLM_POSITIONS); f.remove(Bert.MLM_LABELS); }
        if (m.heads().numLabels() == 0) f.remove(Bert.LABELS);
        return m.graph().output(f, outputs);
    }

    static void checkBertPreTraining(String dir) {
        JsonNode g = golden("bert");
        PretrainedBert pre = PretrainedBert.load(fixture(dir), Bert.Heads.pretraining(), 5);
        BertModel m = pre.model();
        Map<String, INDArray> feed = feed(g, false);
        var out = run(m, feed, "bert.sequence_output", "bert.pooler_output", Bert.MLM_LOGITS);
        JsonNode exp = g.get("outputs");
        int[] all = positions(feed.get(Bert.ATTENTION_MASK), false);
        maxDiff(dir + " last_hidden_state", rows(tensor(exp.get("last_hidden_state")), all), out.get("bert.sequence_output"));
        maxDiff(dir + " pooler_output", tensor(exp.get("pooler_output")), out.get("bert.pooler_output"));
        maxDiff(dir + " prediction_logits", rows(tensor(exp.get("prediction_logits")), all), out.get(Bert.MLM_LOGITS));

        // the directory's vocab.txt tokenizes the texts to PyTorch's input ids
        Tokenizer tok = pre.tokenizer();
        List<String> texts = new ArrayList<>();
        g.get("texts").forEach(t -> texts.add(t.asText()));
        Tokenizer.Batch b = tok.encodeBatch(texts, 8);
        assertArrayEquals(feed.get(Bert.INPUT_IDS).toIntMatrix(), b.ids());
    }

    @Test
    void bertPreTrainingCheckpointMatchesPyTorch() {
        checkBertPreTraining("bert");
        BertModel.LoadReport r = PretrainedBert.load(fixture("bert"), Bert.Heads.pretraining(), 5).model().loadReport().orElseThrow();
        assertTrue(r.huggingFace());
        assertEquals(List.of("BertForPreTraining"), r.architectures());
        assertTrue(r.ignoredConfigKeys().containsAll(List.of("hidden_dropout_prob", "attention_probs_dropout_prob",
                "classifier_dropout", "transformers_version", "torch_dtype", "use_cache", "architectures")), r.toString());
        assertEquals(List.of(), r.unknownConfigKeys());
        assertEquals(List.of("cls.seq_relationship.bias", "cls.seq_relationship.weight"), r.unusedTensors());
        assertEquals(List.of(), r.initialised());
        assertEquals(List.of(), r.notes());
    }

    @Test
    void legacyCheckpointWithGammaBetaPositionIdsAndTiedCopiesMatchesPyTorch() {
        checkBertPreTraining("bert-legacy");
        BertModel legacy = BertModel.load(fixture("bert-legacy"), Bert.Heads.pretraining(), DataType.FLOAT, 5);
        BertModel.LoadReport r = legacy.loadReport().orElseThrow();
        String notes = String.join("\n", r.notes());
        assertTrue(notes.contains("gamma/beta") && notes.contains("position_ids")
                && notes.contains("'cls.predictions.decoder.weight' dropped") && notes.contains("(equal)")
                && notes.contains("'cls.predictions.decoder.bias' dropped"), notes);
        assertTrue(r.ignoredConfigKeys().contains("gradient_checkpointing"), r.toString());
        assertEquals(List.of(), r.unknownConfigKeys());
        assertEquals(BertModel.load(fixture("bert"), Bert.Heads.pretraining(), DataType.FLOAT, 6).weights(), legacy.weights());
    }

    @Test
    void bertSequenceClassificationCheckpointMatchesPyTorch(@TempDir Path tmp) throws IOException {
        JsonNode g = golden("bert-cls");
        BertModel m = PretrainedBert.load(fixture("bert-cls"), Bert.Heads.classification(3), 5).model();
        var out = run(m, feed(g, false), "bert.pooler_output", Bert.LOGITS);
        maxDiff("bert-cls pooler_output", tensor(g.get("outputs").get("pooler_output")), out.get("bert.pooler_output"));
        maxDiff("bert-cls logits", tensor(g.get("outputs").get("logits")), out.get(Bert.LOGITS));
        BertModel.LoadReport r = m.loadReport().orElseThrow();
        assertEquals(List.of(), r.initialised());
        assertTrue(r.ignoredConfigKeys().containsAll(List.of("id2label", "label2id", "problem_type")), r.toString());

        ConfigException labels = assertThrows(ConfigException.class,
                () -> BertModel.load(fixture("bert-cls"), Bert.Heads.classification(2), DataType.FLOAT, 1));
        assertTrue(labels.getMessage().contains("'classifier.bias' has shape [3]") && labels.getMessage().contains("expects [2]")
                && labels.getMessage().contains("bert-cls/model.safetensors") && labels.getMessage().contains("number of labels"),
                labels.getMessage());
        ConfigException mlm = assertThrows(ConfigException.class,
                () -> BertModel.load(fixture("bert-cls"), Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(mlm.getMessage().contains("missing tensor 'cls.predictions.") && mlm.getMessage().contains("masked-LM head")
                && mlm.getMessage().contains("BertForSequenceClassification"), mlm.getMessage());
        BertModel enc = BertModel.load(fixture("bert-cls"), Bert.Heads.encoderOnly(), DataType.FLOAT, 1);
        assertEquals(List.of("classifier.bias", "classifier.weight"), enc.loadReport().orElseThrow().unusedTensors());
        // a classifier of another task (same names and shape) is not taken for a sequence classifier
        Path token = copy(fixture("bert-cls"), tmp.resolve("token"));
        Files.writeString(token.resolve("config.json"), Files.readString(token.resolve("config.json"))
                .replace("BertForSequenceClassification", "BertForTokenClassification"));
        BertModel.LoadReport tr = BertModel.load(token, Bert.Heads.classification(3), DataType.FLOAT, 1).loadReport().orElseThrow();
        assertEquals(List.of("classifier.bias", "classifier.weight"), tr.initialised());
        assertTrue(String.join("\n", tr.notes()).contains("BertForTokenClassification"), tr.notes().toString());
        // a pre-training checkpoint loaded for classification: fresh classifier, listed
        BertModel fresh = BertModel.load(fixture("bert"), Bert.Heads.classification(2), DataType.FLOAT, 1);
        assertEquals(List.of("classifier.bias", "classifier.weight"), fresh.loadReport().orElseThrow().initialised());
    }

    @Test
    void robertaMaskedLmCheckpointMatchesPyTorchOnRealTokens() {
        JsonNode g = golden("roberta");
        BertModel m = BertModel.load(fixture("roberta"), Bert.Heads.pretraining(), DataType.FLOAT, 5);
        assertEquals(2, m.config().positionOffset());
        Map<String, INDArray> feed = feed(g, true);
        var out = run(m, feed, "roberta.sequence_output", Bert.MLM_LOGITS);
        int[] real = positions(feed.get(Bert.ATTENTION_MASK), true);
        int[] all = positions(feed.get(Bert.ATTENTION_MASK), false);
        assertTrue(real.length < all.length);
        // RoBERTa gives padding tokens position pad_token_id, the graph t + pad + 1: only real rows are comparable
        maxDiff("roberta last_hidden_state (real tokens)", rows(tensor(g.get("outputs").get("last_hidden_state")), real),
                Nd4j.pullRows(out.get("roberta.sequence_output"), 1, real));
        maxDiff("roberta prediction_logits (real tokens)", rows(tensor(g.get("outputs").get("prediction_logits")), real),
                out.get(Bert.MLM_LOGITS));
        BertModel.LoadReport r = m.loadReport().orElseThrow();
        // RobertaForMaskedLM has no pooler: seeded, and said so
        assertEquals(List.of("roberta.pooler.dense.bias", "roberta.pooler.dense.weight"), r.initialised());
        assertTrue(r.ignoredConfigKeys().containsAll(List.of("bos_token_id", "eos_token_id")), r.toString());
        assertEquals(List.of(), r.unusedTensors());
    }

    @Test
    void robertaSequenceClassificationHeadBecomesPoolerAndClassifier() {
        JsonNode g = golden("roberta-cls");
        BertModel m = BertModel.load(fixture("roberta-cls"), Bert.Heads.classification(2), DataType.FLOAT, 5);
        var out = run(m, feed(g, true), Bert.LOGITS);
        maxDiff("roberta-cls logits", tensor(g.get("outputs").get("logits")), out.get(Bert.LOGITS));
        BertModel.LoadReport r = m.loadReport().orElseThrow();
        assertEquals(List.of(), r.initialised());
        assertTrue(String.join("\n", r.notes()).contains("classifier.out_proj -> classifier"), r.notes().toString());
        ConfigException mlm = assertThrows(ConfigException.class,
                () -> BertModel.load(fixture("roberta-cls"), Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(mlm.getMessage().contains("missing tensor 'lm_head."), mlm.getMessage());
    }

    @Test
    void missingOrBrokenTokenizerFilesAreNamed(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("roberta"), tmp.resolve("roberta"));
        ConfigException none = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1));
        assertTrue(none.getMessage().contains("vocab.txt") && none.getMessage().contains("not found")
                && none.getMessage().contains("vocab.json + merges.txt"), none.getMessage());
        Files.writeString(dir.resolve("vocab.json"), "{\"<s>\": 0, \"<pad>\": 1}");
        ConfigException half = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1));
        assertTrue(half.getMessage().startsWith(dir.resolve("merges.txt").toString()) && half.getMessage().contains("not found"),
                half.getMessage());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        ConfigException bpe = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1));
        assertTrue(bpe.getMessage().contains(dir.resolve("vocab.json").toString()) && bpe.getMessage().contains("lacks special token"),
                bpe.getMessage());
    }

    /**
     * roberta-bpe/: a RoBERTa checkpoint with vocab.json + merges.txt (+ tokenizer_config.json) loads through
     * PretrainedBert with the byte-level BPE tokenizer, which turns the golden texts into PyTorch's input ids, and the
     * model on those ids reproduces PyTorch's hidden states and logits.
     */
    @Test
    void robertaBpeCheckpointTokenizesAndMatchesPyTorch() {
        JsonNode g = golden("roberta-bpe");
        PretrainedBert pre = PretrainedBert.load(fixture("roberta-bpe"), Bert.Heads.pretraining(), 5);
        assertTrue(pre.tokenizer() instanceof ByteLevelBpeTokenizer, pre.tokenizer().toString());
        Tokenizer tok = pre.tokenizer();
        assertEquals(301, tok.vocabSize());
        assertEquals(List.of(0, 1, 2, 3, 300), List.of(tok.clsId(), tok.padId(), tok.sepId(), tok.unkId(), tok.maskId()));
        assertEquals(List.of("t", "he", "Ġm", "o", "v", "i", "e", "Ġw", "as", "Ġ", "v", "er", "y", "Ġ", "g", "o", "o", "d"),
                tok.tokenize("the movie was very good"));

        List<String> texts = new ArrayList<>();
        g.get("texts").forEach(t -> texts.add(t.asText()));
        Tokenizer.Batch b = tok.encodeBatch(texts, 8);
        Map<String, INDArray> feed = feed(g, true);
        assertArrayEquals(feed.get(Bert.INPUT_IDS).toIntMatrix(), b.ids(), "BPE ids of " + texts);
        assertArrayEquals(feed.get(Bert.ATTENTION_MASK).toIntMatrix(), b.attentionMask());

        // run the graph on the Java tokenizer's ids
        feed.put(Bert.INPUT_IDS, Nd4j.createFromArray(b.ids()));
        feed.put(Bert.ATTENTION_MASK, Nd4j.createFromArray(b.attentionMask()).castTo(DataType.FLOAT));
        var out = run(pre.model(), feed, "roberta.sequence_output", Bert.MLM_LOGITS);
        JsonNode exp = g.get("outputs");
        int[] real = positions(feed.get(Bert.ATTENTION_MASK), true);
        double h = maxDiff("roberta-bpe last_hidden_state (real tokens)", rows(tensor(exp.get("last_hidden_state")), real),
                Nd4j.pullRows(out.get("roberta.sequence_output"), 1, real));
        INDArray logits = out.get(Bert.MLM_LOGITS);
        assertEquals(301, logits.size(1));
        double l = maxDiff("roberta-bpe prediction_logits[:, 0:64]", rows(tensor(exp.get("prediction_logits_0_64")), real),
                logits.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64)));
        System.out.printf("roberta-bpe: max |diff| %.3g over hidden states and logits%n", Math.max(h, l));
    }

    /** End to end on roberta-bpe/: one fine-tuning step with the byte-level BPE tokenizer, then accuracy on the texts. */
    @Test
    void robertaBpeCheckpointFinetunesOneStepWithItsTokenizer() {
        PretrainedBert pre = PretrainedBert.load(fixture("roberta-bpe"), Bert.Heads.classification(2), 3);
        List<dev.recipe.text.LabelledText> train = List.of(new dev.recipe.text.LabelledText("the movie was very good", 1),
                new dev.recipe.text.LabelledText("a bad film", 0), new dev.recipe.text.LabelledText("great fun", 1),
                new dev.recipe.text.LabelledText("it was boring", 0));
        Map<String, INDArray> before = new HashMap<>();
        pre.model().weights().forEach((k, v) -> before.put(k, v.dup()));
        var cfg = new dev.recipe.zoo.tasks.Finetuning.Config(1, 1e-2, 4, 8, 0.0, 1);
        var r = dev.recipe.zoo.tasks.Finetuning.run(pre.model(), pre.tokenizer(), train, train, cfg, null);
        assertEquals(1, r.training().finalStep());
        assertEquals(1, r.training().losses().size());
        assertTrue(Double.isFinite(r.training().losses().get(0)), r.training().losses().toString());
        assertEquals(4, r.evaluated());
        assertTrue(r.accuracy() >= 0 && r.accuracy() <= 1, "accuracy " + r.accuracy());
        String emb = "roberta.embeddings.word_embeddings.weight";
        assertFalse(before.get(emb).equals(pre.model().weights().get(emb)), "one step changed the word embeddings");
        // the batch the step saw: <s> … </s> then <pad> (id 1) from the BPE tokenizer
        var batches = new dev.recipe.zoo.data.ClassificationBatches(train, pre.tokenizer(), 8, 4, false, 1, DataType.FLOAT);
        INDArray ids = batches.batch(0, 0).get(Bert.INPUT_IDS);
        int[] enc = pre.tokenizer().encode("great fun", 8);
        assertEquals(0, enc[0]);
        assertEquals(2, enc[enc.length - 1]);
        assertTrue(enc.length < ids.size(1), "row 2 is padded: " + ids);
        for (int j = 0; j < ids.size(1); j++) assertEquals(j < enc.length ? enc[j] : 1, ids.getInt(2, j), "position " + j);
    }

    @Test
    void robertaBpeTokenizerSettingsAreChecked(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("roberta-bpe"), tmp.resolve("roberta-bpe"));
        Path tc = dir.resolve(PretrainedBert.TOKENIZER_CONFIG);
        Files.writeString(tc, "{\"tokenizer_class\": \"RobertaTokenizer\", \"add_prefix_space\": true}");
        ConfigException prefix = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizer(dir));
        assertTrue(prefix.getMessage().startsWith(tc.toString()) && prefix.getMessage().contains("add_prefix_space true"),
                prefix.getMessage());
        Files.writeString(tc, "{\"tokenizer_class\": \"GPT2Tokenizer\"}");
        ConfigException gpt2 = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizer(dir));
        assertTrue(gpt2.getMessage().startsWith(tc.toString()) && gpt2.getMessage().contains("GPT2Tokenizer"), gpt2.getMessage());
        Files.delete(tc);
        assertEquals(301, PretrainedBert.tokenizer(dir).vocabSize()); // no tokenizer_config.json: RoBERTa's defaults
        Files.writeString(dir.resolve("config.json"),
                Files.readString(dir.resolve("config.json")).replace("\"vocab_size\": 301", "\"vocab_size\": 302"));
        ConfigException size = assertThrows(ConfigException.class, () -> PretrainedBert.tokenizer(dir));
        assertTrue(size.getMessage().contains(dir.resolve("vocab.json").toString()) && size.getMessage().contains("301 tokens")
                && size.getMessage().contains("vocab_size 302"), size.getMessage());
        assertEquals(Map.of("vocab", dir.resolve("vocab.json"), "merges", dir.resolve("merges.txt")),
                PretrainedBert.tokenizerFiles(dir));
    }

    @Test
    void pytorchModelBinIsRefusedNamingTheFileAndTheConversion(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("bert"), tmp.resolve("bert"));
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {'P', 'K', 3, 4}); // never opened
        for (var load : List.<Runnable>of(
                () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1),
                () -> PretrainedBert.load(dir, Bert.Heads.classification(2), 1))) {
            ConfigException e = assertThrows(ConfigException.class, load::run);
            String msg = e.getMessage();
            assertTrue(msg.startsWith(dir.resolve("pytorch_model.bin").toString()) && msg.contains("pickle")
                    && msg.contains("model.safetensors") && msg.contains("save_pretrained"), msg);
            assertFalse(msg.contains("not found"), msg);
        }
        Files.delete(dir.resolve("pytorch_model.bin"));
        ConfigException none = assertThrows(ConfigException.class, () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(none.getMessage().contains("model.safetensors: file not found"), none.getMessage());
    }

    @Test
    void missingTensorAndWrongShapeNameTensorFileAndShapes(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("bert"), tmp.resolve("bert"));
        Path w = dir.resolve("model.safetensors");
        Map<String, INDArray> t = new TreeMap<>(SafeTensors.read(w).tensors());
        t.remove("bert.encoder.layer.1.output.dense.weight");
        SafeTensors.write(w, t, Map.of("format", "pt"));
        ConfigException missing = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1));
        assertTrue(missing.getMessage().startsWith(w.toString())
                && missing.getMessage().contains("missing tensor 'bert.encoder.layer.1.output.dense.weight'")
                && missing.getMessage().contains("encoder"), missing.getMessage());

        t = new TreeMap<>(SafeTensors.read(fixture("bert").resolve("model.safetensors")).tensors());
        t.put("bert.encoder.layer.0.intermediate.dense.weight", Nd4j.zeros(DataType.FLOAT, 23, 16));
        SafeTensors.write(w, t, Map.of("format", "pt"));
        ConfigException shape = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1));
        assertTrue(shape.getMessage().startsWith(w.toString())
                && shape.getMessage().contains("'bert.encoder.layer.0.intermediate.dense.weight'")
                && shape.getMessage().contains("[23, 16]") && shape.getMessage().contains("[24, 16]"), shape.getMessage());

        // a renamed tensor is named as stored too
        t = new TreeMap<>(SafeTensors.read(fixture("bert-legacy").resolve("model.safetensors")).tensors());
        t.put("bert.embeddings.LayerNorm.gamma", Nd4j.ones(DataType.FLOAT, 15));
        SafeTensors.write(w, t, Map.of("format", "pt"));
        ConfigException gamma = assertThrows(ConfigException.class, () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(gamma.getMessage().contains("'bert.embeddings.LayerNorm.weight' (stored as 'bert.embeddings.LayerNorm.gamma')")
                && gamma.getMessage().contains("[15]") && gamma.getMessage().contains("[16]"), gamma.getMessage());

        // weights of another architecture
        Path rob = copy(fixture("roberta"), tmp.resolve("roberta"));
        Files.copy(fixture("bert").resolve("config.json"), rob.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ConfigException other = assertThrows(ConfigException.class, () -> BertModel.load(rob, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(other.getMessage().contains("no tensor of the bert encoder") && other.getMessage().contains("[lm_head, roberta]"),
                other.getMessage());
    }

    @Test
    void configChecksNameFileKeyAndWhatIsSupported(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("bert"), tmp.resolve("bert"));
        Path cfg = dir.resolve("config.json");
        String good = Files.readString(cfg);
        String[][] cases = {
                {"\"hidden_act\": \"gelu\"", "\"hidden_act\": \"gelu_new\"", "hidden_act \"gelu_new\" is not supported", "supported: gelu"},
                {"\"hidden_act\": \"gelu\"", "\"hidden_act\": \"relu\"", "hidden_act \"relu\"", "supported: gelu"},
                {"\"position_embedding_type\": \"absolute\"", "\"position_embedding_type\": \"relative_key\"",
                        "position_embedding_type \"relative_key\"", "supported: absolute"},
                {"\"model_type\": \"bert\"", "\"model_type\": \"distilbert\"", "model_type \"distilbert\"", "supported: bert, roberta"},
                {"\"use_cache\": true", "\"is_decoder\": true", "is_decoder true", "encoder"},
                {"\"use_cache\": true", "\"pruned_heads\": {\"0\": [1]}", "pruned_heads", "num_attention_heads"},
                {"\"hidden_size\": 16,", "", "key 'hidden_size' is missing", "needed"},
                {"\"hidden_size\": 16,", "\"hidden_size\": \"16\",", "key 'hidden_size' must be an integer", "\"16\""},
                {"\"num_attention_heads\": 4", "\"num_attention_heads\": 3", "num_attention_heads (3)", "hidden_size (16)"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            Files.writeString(cfg, good.replace(c[0], c[1]));
            ConfigException e = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1), c[1]);
            assertTrue(e.getMessage().startsWith(cfg.toString()) && e.getMessage().contains(c[2]) && e.getMessage().contains(c[3]),
                    e.getMessage());
        }
        // an unknown key is reported, not fatal; a key only the project's configs have stays strict there
        Files.writeString(cfg, good.replace("\"use_cache\": true", "\"use_cache\": true,\n  \"some_future_key\": 7"));
        BertModel m = BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1);
        assertEquals(List.of("some_future_key"), m.loadReport().orElseThrow().unknownConfigKeys());
        // no model_type: taken from architectures
        Files.writeString(cfg, good.replace("\"model_type\": \"bert\",", ""));
        assertEquals("bert", BertConfig.read(cfg).modelType());
        // the project's own format is still read strictly
        Files.writeString(cfg, Json.write(BertConfig.tiny()).replace("\"hidden_size\"", "\"use_cache\" : true, \"hidden_size\""));
        ConfigException strict = assertThrows(ConfigException.class, () -> BertConfig.read(cfg));
        assertTrue(strict.getMessage().contains("unknown key 'use_cache'"), strict.getMessage());
    }

    @Test
    void untiedDecoderIsAnErrorOnlyWhereTransformersWouldUseIt(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("bert-legacy"), tmp.resolve("legacy"));
        Path w = dir.resolve("model.safetensors");
        Map<String, INDArray> t = new TreeMap<>(SafeTensors.read(w).tensors());
        t.put("cls.predictions.decoder.weight", t.get("cls.predictions.decoder.weight").add(0.5f));
        SafeTensors.write(w, t, Map.of("format", "pt"));
        // tie_word_embeddings true (the default): transformers re-ties, the copy is unused; loads with a note
        BertModel tied = BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1);
        assertTrue(String.join("\n", tied.loadReport().orElseThrow().notes()).contains("it differs"));
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"use_cache\": true", "\"tie_word_embeddings\": false,\n  \"use_cache\": true"));
        ConfigException untied = assertThrows(ConfigException.class, () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(untied.getMessage().startsWith(w.toString()) && untied.getMessage().contains("'cls.predictions.decoder.weight'")
                && untied.getMessage().contains("tie_word_embeddings false"), untied.getMessage());
        BertModel.load(dir, Bert.Heads.encoderOnly(), DataType.FLOAT, 1); // no decoder in that graph
        t.remove("cls.predictions.decoder.weight");
        SafeTensors.write(w, t, Map.of("format", "pt"));
        ConfigException absent = assertThrows(ConfigException.class, () -> BertModel.load(dir, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(absent.getMessage().contains("missing tensor 'cls.predictions.decoder.weight'"), absent.getMessage());

        // position_ids that are not 0..n-1 would change BERT's positions
        Path dir2 = copy(fixture("bert-legacy"), tmp.resolve("legacy2"));
        Path w2 = dir2.resolve("model.safetensors");
        Map<String, INDArray> t2 = new TreeMap<>(SafeTensors.read(w2).tensors());
        t2.put("bert.embeddings.position_ids", Nd4j.zeros(DataType.LONG, 1, 16));
        SafeTensors.write(w2, t2, Map.of("format", "pt"));
        ConfigException pos = assertThrows(ConfigException.class, () -> BertModel.load(dir2, Bert.Heads.pretraining(), DataType.FLOAT, 1));
        assertTrue(pos.getMessage().contains("'bert.embeddings.position_ids'") && pos.getMessage().contains("0..15"), pos.getMessage());
    }

    @Test
    void shardedAndBareEncoderCheckpointsLoadTheSameWeights(@TempDir Path tmp) throws IOException {
        BertModel reference = BertModel.load(fixture("bert"), Bert.Heads.pretraining(), DataType.FLOAT, 1);
        Map<String, INDArray> all = SafeTensors.read(fixture("bert").resolve("model.safetensors")).tensors();

        Path sharded = tmp.resolve("sharded");
        Files.createDirectories(sharded);
        Files.copy(fixture("bert").resolve("config.json"), sharded.resolve("config.json"));
        Map<String, INDArray> a = new TreeMap<>();
        Map<String, INDArray> b = new TreeMap<>();
        ObjectNode index = Json.MAPPER.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        for (var e : all.entrySet()) {
            boolean first = e.getKey().contains("layer.0") || e.getKey().contains("embeddings");
            (first ? a : b).put(e.getKey(), e.getValue());
            map.put(e.getKey(), first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        SafeTensors.write(sharded.resolve("model-00001-of-00002.safetensors"), a, Map.of("format", "pt"));
        SafeTensors.write(sharded.resolve("model-00002-of-00002.safetensors"), b, Map.of("format", "pt"));
        Json.write(sharded.resolve(HuggingFace.SAFETENSORS_INDEX), index);
        assertEquals(reference.weights(), BertModel.load(sharded, Bert.Heads.pretraining(), DataType.FLOAT, 2).weights());
        map.put("bert.pooler.dense.weight", "model-00001-of-00002.safetensors");
        Json.write(sharded.resolve(HuggingFace.SAFETENSORS_INDEX), index);
        ConfigException shard = assertThrows(ConfigException.class, () -> BertModel.load(sharded, Bert.Heads.pretraining(), DataType.FLOAT, 2));
        assertTrue(shard.getMessage().contains("model-00001-of-00002.safetensors") && shard.getMessage().contains("'bert.pooler.dense.weight'"),
                shard.getMessage());

        // transformers' BertModel (no head) saves its names without the "bert." prefix
        Path bare = tmp.resolve("bare");
        Files.createDirectories(bare);
        Files.writeString(bare.resolve("config.json"), Files.readString(fixture("bert").resolve("config.json"))
                .replace("BertForPreTraining", "BertModel"));
        Map<String, INDArray> encoder = new LinkedHashMap<>();
        all.forEach((k, v) -> { if (k.startsWith("bert.")) encoder.put(k.substring(5), v); });
        SafeTensors.write(bare.resolve("model.safetensors"), encoder, Map.of("format", "pt"));
        BertModel m = BertModel.load(bare, Bert.Heads.encoderOnly(), DataType.FLOAT, 3);
        reference.weights().forEach((k, v) -> { if (k.startsWith("bert.")) assertEquals(v, m.weights().get(k), k); });
        assertEquals(List.of(), m.loadReport().orElseThrow().initialised());
    }

    @Test
    void loadedCheckpointSavesInTheProjectFormatAndReloads(@TempDir Path tmp) throws IOException {
        BertModel m = PretrainedBert.load(fixture("bert"), Bert.Heads.pretraining(), 1).model();
        Path out = tmp.resolve("saved");
        Files.createDirectories(out);
        m.save(out, Map.of());
        assertFalse(HuggingFace.isHuggingFace(Json.readTree(out.resolve("config.json"))));
        BertModel back = BertModel.load(out, Bert.Heads.pretraining(), DataType.FLOAT, 2);
        assertEquals(m.weights(), back.weights());
        assertEquals(m.config(), back.config());
        assertFalse(back.loadReport().orElseThrow().huggingFace());
    }

    @Test
    void casedTokenizerConfigIsRefused(@TempDir Path tmp) throws IOException {
        Path dir = copy(fixture("bert"), tmp.resolve("bert"));
        Files.writeString(dir.resolve(PretrainedBert.TOKENIZER_CONFIG), "{\"do_lower_case\": true, \"model_max_length\": 512}");
        assertEquals(46, PretrainedBert.tokenizer(dir).vocabSize());
        Files.writeString(dir.resolve(PretrainedBert.TOKENIZER_CONFIG), "{\"do_lower_case\": false}");
        ConfigException e = assertThrows(ConfigException.class, () -> PretrainedBert.load(dir, Bert.Heads.pretraining(), 1));
        assertTrue(e.getMessage().startsWith(dir.resolve(PretrainedBert.TOKENIZER_CONFIG).toString())
                && e.getMessage().contains("do_lower_case false"), e.getMessage());
    }

    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, to.resolve(f.getFileName()));
        }
        return to;
    }
}
