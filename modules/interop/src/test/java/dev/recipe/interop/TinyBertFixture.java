package dev.recipe.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recipe.core.SharedData;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.Vocabulary;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tribuo's tinybert.onnx (untrained BERT, opset 11) with its golden outputs and tokenizer, from ../shared/data
 * (the calling test is skipped when it is absent). The input ids come from the project's WordPiece tokenizer with
 * the model's own vocabulary (tinybert-tokenizer.json: lowercase, strip accents, as Tribuo's test).
 */
final class TinyBertFixture {
    static final String DIR = "models/tribuo-onnx/";

    final Path model;
    final JsonNode golden;
    final long[] ids;

    private TinyBertFixture(Path model, JsonNode golden, long[] ids) {
        this.model = model;
        this.golden = golden;
        this.ids = ids;
    }

    static TinyBertFixture load() {
        Path model = SharedData.require(DIR + "tinybert.onnx");
        Path goldenFile = SharedData.require(DIR + "tinybert_golden_outputs.json");
        Path tokenizerFile = SharedData.require(DIR + "tinybert-tokenizer.json");
        try {
            ObjectMapper json = new ObjectMapper();
            JsonNode golden = json.readTree(goldenFile.toFile());
            JsonNode vocab = json.readTree(tokenizerFile.toFile()).path("model").path("vocab");
            String[] tokens = new String[vocab.size()];
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                tokens[e.getValue().asInt()] = e.getKey();
            }
            BertTokenizer tok = new BertTokenizer(Vocabulary.of(Arrays.asList(tokens)));
            int[] ids = tok.encode(golden.path("input").asText(), 512);
            return new TinyBertFixture(model, golden, Arrays.stream(ids).asLongStream().toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Feeds for a batch of one: the ids, an all-ones mask, token type 0. */
    Map<String, INDArray> feeds() {
        INDArray idArr = Nd4j.createFromArray(new long[][] {ids});
        return Map.of("input_ids", idArr, "attention_mask", Nd4j.onesLike(idArr), "token_type_ids", Nd4j.zerosLike(idArr));
    }

    /** The golden [CLS] pooled vector [50]. */
    double[] pooled() {
        return doubles(golden.path("expected_cls_output_1_pooler"));
    }

    /** The golden token states [13][50]. */
    double[][] tokenStates() {
        JsonNode rows = golden.path("expected_token_embeddings_output_0_including_CLS_and_SEP");
        List<double[]> out = new ArrayList<>();
        rows.forEach(r -> out.add(doubles(r)));
        return out.toArray(new double[0][]);
    }

    private static double[] doubles(JsonNode arr) {
        double[] d = new double[arr.size()];
        for (int i = 0; i < d.length; i++) d[i] = arr.get(i).asDouble();
        return d;
    }
}
