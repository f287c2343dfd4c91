package dev.recipe.zoo.vgg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recipe.core.ConfigException;
import dev.recipe.nn.GradientCheck;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import static dev.recipe.zoo.Goldens.array;
import static dev.recipe.zoo.Goldens.assertClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class VggTest {

    @Test
    void forwardMatchesTorchvisionsLayersWithTheSameWeights() throws Exception {
        JsonNode g = dev.recipe.zoo.Goldens.read("/vgg/tiny-vgg-golden.json");
        VggConfig cfg = dev.recipe.core.Json.convert((com.fasterxml.jackson.databind.node.ObjectNode) g.get("config"),
                VggConfig.class, "golden");
        assertEquals(VggConfig.tiny(), cfg, "the golden is the tiny preset");
        Vgg.Model m = Vgg.build(cfg, g.get("num_labels").asInt(), false, DataType.DOUBLE, 1);
        dev.recipe.zoo.Goldens.assignParams(g.get("params"), m.weights(), "torchvision");
        String conv0 = m.spec().neurons().get(0);
        Map<String, INDArray> out = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, array(g.get("pixel_values"))),
                VisionModel.LOGITS, m.spec().representation(), conv0);
        assertClose(g.get("logits").get("data"), out.get(VisionModel.LOGITS), "logits");
        assertClose(g.get("representation").get("data"), out.get(m.spec().representation()), "flattened features");
        assertClose(g.get("conv0_channel_mean").get("data"), out.get(conv0), "conv 0 per-channel mean pre-activation (neurons)");
    }


    @Test
    void gradientsMatchFiniteDifferences() {
        // RECIPE's objective on a VGG: the pre-training (classification) loss plus the norm term
        dev.recipe.zoo.Goldens.recipeObjective(Vgg.build(VggConfig.tiny(), 3, true, DataType.DOUBLE, 5), new int[] {0, 2, 1}, 4);
    }

    @Test
    void rolesNameTheGraphsVariables() {
        Vgg.Model m = Vgg.build(VggConfig.tiny(), 2, false, DataType.FLOAT, 1);
        ModelSpec s = m.spec();
        assertEquals("vgg", s.family());
        assertEquals(3, s.neurons().size(), "one neuron layer a convolution");
        assertEquals(List.of("features.0.weight", "features.3.weight", "features.5.weight"), s.regularised(),
                "torchvision's indices: conv, relu, pool, conv, relu, conv");
        for (ModelSpec.NeuronWeights w : s.neuronWeights()) {
            assertTrue(m.weights().containsKey(w.weight()) && m.weights().containsKey(w.bias()), w.toString());
        }
        assertEquals(null, s.pretrainLoss(), "a downstream head is not a pre-training head");
        assertEquals(24, m.representationSize());
        Map<String, INDArray> out = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8)),
                s.firstTokenIndex(), s.neurons().get(2), s.representation());
        assertEquals(List.of(0, 1), List.of(out.get(s.firstTokenIndex()).getInt(0), out.get(s.firstTokenIndex()).getInt(1)));
        assertEquals(List.of(2L, 6L), List.of(out.get(s.neurons().get(2)).shape()[0], out.get(s.neurons().get(2)).shape()[1]));
        assertEquals(List.of(2L, 24L), List.of(out.get(s.representation()).shape()[0], out.get(s.representation()).shape()[1]));
        ConfigException pools = assertThrows(ConfigException.class, () -> new VggConfig(List.of(4, "M", 4, "M"), 6, 3));
        assertTrue(pools.getMessage().contains("image_size must be a positive multiple of 2^(max-pools) = 4"), pools.getMessage());
        ConfigException layer = assertThrows(ConfigException.class, () -> new VggConfig(List.of(4, "P"), 8, 3));
        assertTrue(layer.getMessage().contains("layers[1]"), layer.getMessage());
    }

    @Test
    void theLowerRightCornerReachesTheFeaturesAndImagesStayApart() {
        Vgg.Model m = Vgg.build(VggConfig.tiny(), 2, false, DataType.DOUBLE, 2);
        Nd4j.getRandom().setSeed(4);
        INDArray two = Nd4j.randn(DataType.DOUBLE, 2, 3, 8, 8);
        String rep = m.spec().representation();
        INDArray both = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, two), rep).get(rep);
        INDArray alone = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, two.get(NDArrayIndex.interval(1, 2)).dup()), rep).get(rep);
        assertTrue(alone.getRow(0).equalsWithEps(both.getRow(1), 1e-12), "image 1 does not depend on image 0");
        INDArray changed = two.dup();
        changed.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(6, 8), NDArrayIndex.interval(6, 8)).addi(3.0);
        INDArray after = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, changed), rep).get(rep);
        assertTrue(!after.getRow(0).equalsWithEps(both.getRow(0), 1e-9), "a corner trigger changes the features");
        assertTrue(after.getRow(1).equalsWithEps(both.getRow(1), 1e-12));
    }

    @Test
    void saveLoadRoundTripsAndADownstreamHeadStartsFresh(@TempDir Path dir) throws Exception {
        Vgg.Model m = Vgg.build(VggConfig.tiny(), 10, true, DataType.FLOAT, 8);
        m.save(dir, Map.of("note", "test"));
        assertEquals("vgg", VisionModels.familyOf(dir));
        VisionModel same = VisionModels.load(dir, DataType.FLOAT, 9);
        assertTrue(same instanceof Vgg.Model && same.pretraining() && same.numLabels() == 10);
        assertEquals(m.weights(), same.weights());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        assertEquals(m.graph().output(Map.of(VisionModel.PIXEL_VALUES, x), VisionModel.LOGITS).get(VisionModel.LOGITS),
                same.graph().output(Map.of(VisionModel.PIXEL_VALUES, x), VisionModel.LOGITS).get(VisionModel.LOGITS));
        Vgg.Model task = Vgg.load(dir, 2, false, DataType.FLOAT, 9);
        assertEquals(null, task.spec().pretrainLoss());
        for (var e : task.weights().entrySet()) {
            if (!e.getKey().startsWith("classifier.")) assertEquals(m.weights().get(e.getKey()), e.getValue(), e.getKey());
        }
        ConfigException vit = assertThrows(ConfigException.class, () -> dev.recipe.zoo.vit.Vit.load(dir, DataType.FLOAT, 1));
        assertTrue(vit.getMessage().contains("model_type must be \"vit\""), vit.getMessage());
        Files.writeString(dir.resolve(VisionModel.CONFIG_FILE),
                Files.readString(dir.resolve(VisionModel.CONFIG_FILE)).replace("\"vgg\"", "\"alexnet\""));
        assertEquals(null, VisionModels.familyOf(dir));
        ConfigException type = assertThrows(ConfigException.class, () -> VisionModels.load(dir, DataType.FLOAT, 1));
        assertTrue(type.getMessage().contains("unknown vision model_type 'alexnet'"), type.getMessage());
    }
}
