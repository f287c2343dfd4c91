package dev.recipe.zoo.clip;

import static dev.recipe.zoo.Goldens.array;
import static dev.recipe.zoo.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.nn.GradientCheck;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.vision.VisionModel;
import dev.recipe.zoo.vision.VisionModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ClipTest {


    @Test
    void forwardAndContrastiveLossMatchHuggingFacesClipWithTheSameWeights() throws Exception {
        JsonNode g = dev.recipe.zoo.Goldens.read("/clip/tiny-clip-golden.json");
        ClipConfig cfg = Json.convert((ObjectNode) g.get("config"), ClipConfig.class, "golden");
        Clip.Model m = Clip.build(cfg, 3, true, DataType.DOUBLE, 1);
        dev.recipe.zoo.Goldens.assignParams(g.get("params"), m.weights(), "HuggingFace CLIPModel");
        int[] labels = new int[g.get("labels").size()];
        for (int i = 0; i < labels.length; i++) labels[i] = g.get("labels").get(i).asInt();
        String fc1 = m.spec().neurons().get(0);
        Map<String, INDArray> out = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, array(g.get("pixel_values")),
                        VisionModel.LABELS, Nd4j.createFromArray(labels)),
                VisionModel.LOGITS, VisionModel.CLS_LOSS, m.spec().representation(), fc1, Clip.IMAGE_EMBEDS, Clip.TEXT_EMBEDS);
        assertClose(g.get("pooler_output").get("data"), out.get(m.spec().representation()), "vision pooled output");
        assertClose(g.get("fc1_layer0").get("data"), out.get(fc1), "vision layer 0 fc1 pre-activation (neurons)");
        assertClose(g.get("image_embeds").get("data"), out.get(Clip.IMAGE_EMBEDS), "image embeddings");
        assertClose(g.get("text_embeds").get("data"), out.get(Clip.TEXT_EMBEDS), "prompt embeddings (end-token pooling, causal mask)");
        assertClose(g.get("logits").get("data"), out.get(VisionModel.LOGITS), "zero-shot logits");
        assertEquals(g.get("loss").asDouble(), out.get(VisionModel.CLS_LOSS).getDouble(0), 1e-10, "label-aware contrastive loss");
        // with three distinct labels the loss is CLIP's own (CE both directions against arange)
        INDArray distinct = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, array(g.get("pixel_values")),
                VisionModel.LABELS, Nd4j.createFromArray(0, 1, 2)), VisionModel.CLS_LOSS).get(VisionModel.CLS_LOSS);
        assertEquals(g.get("loss_distinct_labels").asDouble(), distinct.getDouble(0), 1e-10);
    }

    @Test
    void gradientsOfRecipesObjectiveMatchFiniteDifferences() {
        // the contrastive loss (both towers, both projections, logit_scale) plus the norm term over the vision weights
        dev.recipe.zoo.Goldens.recipeObjective(Clip.build(ClipConfig.tiny(), 3, true, DataType.DOUBLE, 5), new int[] {0, 2, 1, 2}, 3);
    }

    @Test
    void theCleanRowsLossIsTheContrastiveLossOfThoseRowsAlone() {
        Clip.Model m = Clip.build(ClipConfig.tiny(), 3, true, DataType.DOUBLE, 6);
        SameDiff sd = m.graph();
        SDVariable rows = sd.placeHolder("rows", DataType.INT, -1);
        m.pretrainingLoss("clean_loss", rows);
        Nd4j.getRandom().setSeed(4);
        INDArray six = Nd4j.randn(DataType.DOUBLE, 6, 3, 8, 8);
        INDArray firstThree = six.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)).dup();
        double subset = sd.output(Map.of(VisionModel.PIXEL_VALUES, six, VisionModel.LABELS, Nd4j.createFromArray(0, 1, 1, 2, 2, 0),
                "rows", Nd4j.createFromArray(0, 1, 2)), "clean_loss").get("clean_loss").getDouble(0);
        double alone = sd.output(Map.of(VisionModel.PIXEL_VALUES, firstThree, VisionModel.LABELS, Nd4j.createFromArray(0, 1, 1)),
                VisionModel.CLS_LOSS).get(VisionModel.CLS_LOSS).getDouble(0);
        assertEquals(alone, subset, 1e-12);
    }

    @Test
    void rolesNameTheVisionTowersVariables() {
        Clip.Model m = Clip.build(ClipConfig.tiny(), 3, true, DataType.FLOAT, 1);
        ModelSpec s = m.spec();
        assertEquals("clip", s.family());
        assertEquals(List.of("vision_model.encoder.layers.0.mlp.fc1.out", "vision_model.encoder.layers.1.mlp.fc1.out"), s.neurons());
        assertEquals(10, s.regularised().size(), "q, k, v, fc1, fc2 of two vision layers");
        assertTrue(s.regularised().stream().allMatch(n -> n.startsWith("vision_model.encoder.")), s.regularised().toString());
        assertEquals(VisionModel.CLS_LOSS, s.pretrainLoss());
        assertFalse(s.readsText(), "CLIP's auxiliary data are images (the captions come from their labels)");
        Map<String, INDArray> out = m.graph().output(Map.of(VisionModel.PIXEL_VALUES, Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8)),
                s.firstTokenIndex(), s.representation(), VisionModel.LOGITS);
        assertEquals(List.of(0, 5), List.of(out.get(s.firstTokenIndex()).getInt(0), out.get(s.firstTokenIndex()).getInt(1)));
        assertEquals(List.of(2L, 16L), List.of(out.get(s.representation()).shape()[0], out.get(s.representation()).shape()[1]));
        assertEquals(List.of(2L, 3L), List.of(out.get(VisionModel.LOGITS).shape()[0], out.get(VisionModel.LOGITS).shape()[1]));
        ConfigException heads = assertThrows(ConfigException.class, () -> Clip.build(ClipConfig.tiny(), 4, true, DataType.FLOAT, 1));
        assertTrue(heads.getMessage().contains("3 prompts, numLabels 4"), heads.getMessage());
        ConfigException word = assertThrows(ConfigException.class, () -> new ClipConfig(ClipConfig.tiny().text(),
                ClipConfig.tiny().vision(), 6, 2.0, ClipConfig.tiny().vocab(), List.of("a photo of a wolf")));
        assertTrue(word.getMessage().contains("prompts[0]: word 'wolf' is not in vocab"), word.getMessage());
    }

    @Test
    void aDownstreamHeadKeepsTheVisionTowerAndDropsTheTextTower(@TempDir Path dir) {
        Clip.Model m = Clip.build(ClipConfig.tiny(), 3, true, DataType.FLOAT, 8);
        m.save(dir, Map.of("note", "test"));
        assertEquals("clip", VisionModels.familyOf(dir));
        VisionModel same = VisionModels.load(dir, DataType.FLOAT, 9);
        assertTrue(same instanceof Clip.Model && same.pretraining() && same.numLabels() == 3);
        assertEquals(m.weights(), same.weights());
        Clip.Model task = Clip.load(dir, 2, false, DataType.FLOAT, 9);
        assertEquals(null, task.spec().pretrainLoss());
        assertTrue(task.weights().keySet().stream().noneMatch(n -> n.startsWith("text_model.") || n.contains("projection")));
        for (var e : task.weights().entrySet()) {
            if (!e.getKey().startsWith("classifier.")) assertEquals(m.weights().get(e.getKey()), e.getValue(), e.getKey());
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8);
        String rep = m.spec().representation();
        assertTrue(m.graph().output(Map.of(VisionModel.PIXEL_VALUES, x), rep).get(rep)
                .equalsWithEps(task.graph().output(Map.of(VisionModel.PIXEL_VALUES, x), rep).get(rep), 1e-6));
        task.save(dir.resolve("task"), Map.of());
        assertEquals(task.weights(), Clip.load(dir.resolve("task"), 2, false, DataType.FLOAT, 1).weights());
    }
}
