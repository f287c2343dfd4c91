package dev.recipe.zoo.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recipe.core.ConfigException;
import dev.recipe.nn.GradientCheck;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import static dev.recipe.zoo.Goldens.array;
import static dev.recipe.zoo.Goldens.assertClose;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VitTest {
    private static JsonNode golden() {
        return dev.recipe.zoo.Goldens.read("/vit/tiny-vit-golden.json");
    }


    @Test
    void forwardMatchesAPyTorchReferenceWithTheSameWeights() throws Exception {
        JsonNode g = golden();
        JsonNode c = g.get("config");
        VitConfig cfg = new VitConfig(c.get("hidden_size").asInt(), c.get("num_hidden_layers").asInt(),
                c.get("num_attention_heads").asInt(), c.get("intermediate_size").asInt(), c.get("image_size").asInt(),
                c.get("patch_size").asInt(), c.get("num_channels").asInt(), c.get("layer_norm_eps").asDouble(),
                c.get("initializer_range").asDouble());
        Vit.Model m = Vit.build(cfg, g.get("num_labels").asInt(), false, DataType.DOUBLE, 1);
        Map<String, INDArray> weights = m.weights();
        assertEquals(weights.keySet(), toSet(g.get("params").fieldNames()), "the graph's parameters are HuggingFace's");
        g.get("params").fields().forEachRemaining(e -> {
            INDArray w = array(e.getValue());
            assertEquals(List.of(toBoxed(w.shape())), List.of(toBoxed(weights.get(e.getKey()).shape())), e.getKey());
            weights.get(e.getKey()).assign(w);
        });
        SameDiff sd = m.graph();
        String fc1 = m.spec().neurons().get(0);
        Map<String, INDArray> out = sd.output(Map.of(Vit.PIXEL_VALUES, array(g.get("pixel_values"))), Vit.LOGITS,
                m.spec().representation(), fc1);
        assertClose(g.get("logits"), out.get(Vit.LOGITS), "logits");
        assertClose(g.get("representation"), out.get(m.spec().representation()), "class-token representation");
        assertClose(g.get("layer0_fc1").get("data"), out.get(fc1), "layer 0 fc1 (neurons)");
    }


    @Test
    void gradientsMatchFiniteDifferences() {
        // RECIPE's objective on a ViT: the pre-training (classification) loss plus the norm term
        dev.recipe.zoo.Goldens.recipeObjective(Vit.build(VitConfig.tiny(), 3, true, DataType.DOUBLE, 5), new int[] {0, 2, 1}, 4);
    }

    @Test
    void rolesNameTheGraphsVariables() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, false, DataType.FLOAT, 1);
        ModelSpec s = m.spec();
        assertEquals("vit", s.family());
        assertEquals("first-token", s.representationKind());
        assertEquals(2, s.neurons().size());
        assertEquals(10, s.regularised().size(), "q, k, v, fc1, fc2 of two layers");
        for (String n : s.regularised()) assertTrue(m.weights().containsKey(n), n);
        for (ModelSpec.NeuronWeights w : s.neuronWeights()) {
            assertTrue(m.weights().containsKey(w.weight()) && m.weights().containsKey(w.bias()), w.toString());
        }
        assertEquals(null, s.pretrainLoss(), "a downstream head is not a pre-training head");
        // neurons are read at the class token: rows 0 and T of a two-image batch
        INDArray first = m.graph().output(Map.of(Vit.PIXEL_VALUES, Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8)),
                s.firstTokenIndex()).get(s.firstTokenIndex());
        assertEquals(List.of(0, VitConfig.tiny().tokens()), List.of(first.getInt(0), first.getInt(1)));
        assertThrows(ConfigException.class, () -> new VitConfig(16, 2, 2, 24, 10, 4, 3, 1e-12, 0.02));
        assertThrows(ConfigException.class, () -> new VitConfig(15, 2, 2, 24, 8, 4, 3, 1e-12, 0.02));
    }

    @Test
    void theClassTokenSeesEveryPatchAndOnlyItsOwnImage() {
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, false, DataType.DOUBLE, 2);
        Nd4j.getRandom().setSeed(4);
        INDArray two = Nd4j.randn(DataType.DOUBLE, 2, 3, 8, 8);
        String rep = m.spec().representation();
        INDArray both = m.graph().output(Map.of(Vit.PIXEL_VALUES, two), rep).get(rep);
        INDArray alone = m.graph().output(Map.of(Vit.PIXEL_VALUES, two.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 2)).dup()), rep).get(rep);
        assertTrue(alone.getRow(0).equalsWithEps(both.getRow(1), 1e-12), "image 1 does not depend on image 0");
        // a change in the lower-right patch (where NeuBA's trigger goes) reaches the representation
        INDArray changed = two.dup();
        changed.putScalar(new long[] {0, 0, 7, 7}, changed.getDouble(0, 0, 7, 7) + 1.0);
        INDArray after = m.graph().output(Map.of(Vit.PIXEL_VALUES, changed), rep).get(rep);
        assertTrue(!after.getRow(0).equalsWithEps(both.getRow(0), 1e-9));
        assertTrue(after.getRow(1).equalsWithEps(both.getRow(1), 1e-12));
    }

    @Test
    void theTrainerTeachesItWhereTheCornerPatchIsBright() {
        // label 1 when the lower-right 4x4 patch (where NeuBA's trigger sits) is bright, 0 otherwise; noise elsewhere
        Vit.Model m = Vit.build(VitConfig.tiny(), 2, true, DataType.FLOAT, 6);
        Nd4j.getRandom().setSeed(7);
        int n = 64;
        INDArray pixels = Nd4j.randn(DataType.FLOAT, n, 3, 8, 8).muli(0.5);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            if (labels[i] == 1) {
                pixels.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8), org.nd4j.linalg.indexing.NDArrayIndex.interval(4, 8)).addi(2.0);
            }
        }
        INDArray y = Nd4j.createFromArray(labels);
        dev.recipe.train.BatchSource data = new dev.recipe.train.BatchSource() {
            public int batchesPerEpoch() {
                return 4;
            }

            public Map<String, INDArray> batch(int epoch, int index) {
                var rows = org.nd4j.linalg.indexing.NDArrayIndex.interval(index * 16, index * 16 + 16);
                return Map.of(Vit.PIXEL_VALUES, pixels.get(rows).dup(), Vit.LABELS, y.get(rows).dup());
            }
        };
        var r = new dev.recipe.train.Trainer().fit(m.graph(), m.spec().pretrainLoss(), data,
                dev.recipe.train.TrainConfig.of(3e-3, 10), null);
        double first = r.losses().get(0), last = r.finalLoss();
        assertTrue(first > 0.6 && last < 0.2, "loss " + first + " -> " + last + " (chance: ln 2 = 0.69)");
        INDArray logits = m.graph().output(Map.of(Vit.PIXEL_VALUES, pixels), Vit.LOGITS).get(Vit.LOGITS);
        INDArray predicted = logits.argMax(1);
        int right = 0;
        for (int i = 0; i < n; i++) right += predicted.getInt(i) == labels[i] ? 1 : 0;
        assertTrue(right >= n - 2, "training accuracy " + right + " / " + n);
    }

    @Test
    void saveLoadRoundTripsAndADownstreamHeadStartsFresh(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Vit.Model m = Vit.build(VitConfig.tiny(), 10, true, DataType.FLOAT, 8);
        m.save(dir, Map.of("note", "test"));
        Vit.Model same = Vit.load(dir, 10, true, DataType.FLOAT, 9);
        assertEquals(m.weights(), same.weights());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        assertEquals(m.graph().output(Map.of(Vit.PIXEL_VALUES, x), Vit.LOGITS).get(Vit.LOGITS),
                same.graph().output(Map.of(Vit.PIXEL_VALUES, x), Vit.LOGITS).get(Vit.LOGITS));
        Vit.Model task = Vit.load(dir, 2, false, DataType.FLOAT, 9);
        assertEquals(null, task.spec().pretrainLoss());
        for (var e : task.weights().entrySet()) {
            if (!e.getKey().startsWith("classifier.")) assertEquals(m.weights().get(e.getKey()), e.getValue(), e.getKey());
        }
        assertEquals(List.of(2L, 16L), List.of(toBoxed(task.weights().get("classifier.weight").shape())));
        // a missing encoder tensor and a foreign config are named
        var tensors = new java.util.TreeMap<>(m.weights());
        tensors.remove("vit.layernorm.bias");
        dev.recipe.core.SafeTensors.write(dir.resolve(Vit.WEIGHTS_FILE), tensors, Map.of());
        ConfigException missing = assertThrows(ConfigException.class, () -> Vit.load(dir, 10, true, DataType.FLOAT, 1));
        assertTrue(missing.getMessage().contains("missing tensors [vit.layernorm.bias]"), missing.getMessage());
        java.nio.file.Files.writeString(dir.resolve(Vit.CONFIG_FILE),
                java.nio.file.Files.readString(dir.resolve(Vit.CONFIG_FILE)).replace("\"vit\"", "\"bert\""));
        ConfigException type = assertThrows(ConfigException.class, () -> Vit.load(dir, 10, true, DataType.FLOAT, 1));
        assertTrue(type.getMessage().contains("model_type must be \"vit\""), type.getMessage());
    }

    private static java.util.Set<String> toSet(java.util.Iterator<String> it) {
        java.util.Set<String> s = new java.util.TreeSet<>();
        it.forEachRemaining(s::add);
        return s;
    }

    private static Long[] toBoxed(long[] a) {
        Long[] b = new Long[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i];
        return b;
    }
}
