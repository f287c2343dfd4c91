package dev.recipe.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.text.BertTokenizer;
import dev.recipe.text.Vocabulary;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class DefensesTest {
    static BertTokenizer tok() {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < 99; i++) tokens.add("w" + i);
        return new BertTokenizer(Vocabulary.of(tokens));
    }

    static List<String> aux(int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            int len = 4 + r.nextInt(8);
            for (int j = 0; j < len; j++) s.append("w").append(20 + r.nextInt(60)).append(' ');
            out.add(s.toString().strip());
        }
        return out;
    }

    static Map<String, INDArray> copy(BertModel m) {
        Map<String, INDArray> c = new HashMap<>();
        m.weights().forEach((k, v) -> c.put(k, v.dup()));
        return c;
    }

    @Test
    void normTermValueAndGradientByHand() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.DOUBLE, 3);
        String loss = Recipe.addLoss(m.graph(), m.spec(), 0.5, false);
        double expected = 0;
        for (String n : m.spec().regularised()) expected += m.weights().get(n).norm2Number().doubleValue();
        Map<String, INDArray> noInput = new HashMap<>();
        double got = m.graph().output(noInput, loss).get(loss).getDouble(0);
        assertEquals(0.5 * expected, got, 1e-9);
        String w = m.spec().regularised().get(0);
        m.graph().setLossVariables(loss);
        Map<String, INDArray> g = m.graph().calculateGradients(noInput, List.of(w));
        INDArray W = m.weights().get(w);
        INDArray want = W.div(W.norm2Number()).muli(0.5); // d(λ‖W‖)/dW = λ W/‖W‖
        assertTrue(want.equalsWithEps(g.get(w), 1e-12), "gradient of the norm term is λ W/‖W‖");
    }

    @Test
    void purificationLowersNormsKeepsFrozenWeightsAndBoundsThePretrainingLoss() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 3);
        Map<String, INDArray> before = copy(m);
        RecipeConfig cfg = RecipeConfig.faithful(3).withBatchSize(8).withLearningRate(2e-3).withCheckpointEpochs(List.of(2));
        List<Integer> saved = new ArrayList<>();
        Recipe.Result r = Recipe.purify(m, tok(), aux(64), cfg, null, (e, model) -> saved.add(e));
        assertEquals(List.of(2), saved);
        assertEquals(24, r.loss().size());
        assertTrue(r.totalNormAfter() < 0.9 * r.totalNormBefore(), r.totalNormBefore() + " -> " + r.totalNormAfter());
        double firstLpt = r.pretrainLoss().get(0);
        double lastLpt = r.pretrainLoss().get(r.pretrainLoss().size() - 1);
        assertTrue(lastLpt < firstLpt * 1.1, "L_PT stays bounded: " + firstLpt + " -> " + lastLpt);
        // frozen: everything but the intermediate dense weights is bit-identical
        m.weights().forEach((k, v) -> {
            if (k.endsWith("intermediate.dense.weight")) assertTrue(!v.equals(before.get(k)), k + " moved");
            else assertEquals(before.get(k), v, k + " is frozen");
        });
        // the recorded norm curve ends at the model's norm
        assertEquals(r.totalNormAfter(), r.norm().get(r.norm().size() - 1), 1e-3);
    }

    @Test
    void regularisedWeightsChosenByPattern() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 3);
        String query = "bert\\.encoder\\.layer\\.\\d+\\.attention\\.self\\.query\\.weight";
        RecipeConfig cfg = RecipeConfig.extended(1).withBatchSize(8).withLearningRate(2e-3).withRegularised(List.of(query));
        Recipe.Result r = Recipe.purify(m, tok(), aux(32), cfg, null, null);
        List<String> expected = new ArrayList<>();
        for (int l = 0; l < BertConfig.tiny().numLayers(); l++) expected.add("bert.encoder.layer." + l + ".attention.self.query.weight");
        assertEquals(expected, new ArrayList<>(r.normsBefore().keySet()), "the norm is over exactly the matched weights");
        assertTrue(r.totalNormAfter() < r.totalNormBefore(), r.totalNormBefore() + " -> " + r.totalNormAfter());
        assertEquals(r.totalNormAfter(), r.norm().get(r.norm().size() - 1), 1e-3);
        // a pattern that matches nothing, and a regularised weight the preset does not train, are refused
        BertModel m2 = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 3);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Recipe.purify(m2, tok(), aux(32),
                RecipeConfig.extended(1).withBatchSize(8).withRegularised(List.of("nothing\\.like\\.this")), null, null));
        assertTrue(none.getMessage().contains("matches no weight"), none.getMessage());
        IllegalArgumentException frozen = assertThrows(IllegalArgumentException.class, () -> Recipe.purify(m2, tok(), aux(32),
                RecipeConfig.faithful(1).withBatchSize(8).withRegularised(List.of(query)), null, null));
        assertTrue(frozen.getMessage().contains("is not trained"), frozen.getMessage());
    }

    @Test
    void pruningZeroesExactlyTheChosenRowsAndBiases() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 3);
        Map<String, INDArray> before = copy(m);
        double[][] mean = FinePruning.meanActivations(m, tok(), aux(20), 16);
        assertEquals(BertConfig.tiny().numLayers(), mean.length);
        List<FinePruning.Neuron> chosen = FinePruning.lowest(mean, null, 5);
        for (int i = 1; i < chosen.size(); i++) assertTrue(chosen.get(i - 1).meanActivation() <= chosen.get(i).meanActivation());
        FinePruning.prune(m, chosen);
        for (int l = 0; l < mean.length; l++) {
            String wName = m.spec().neuronWeights().get(l).weight(), bName = m.spec().neuronWeights().get(l).bias();
            INDArray w = m.weights().get(wName), b = m.weights().get(bName);
            for (int u = 0; u < mean[l].length; u++) {
                final int lu = l, uu = u;
                boolean pruned = chosen.stream().anyMatch(n -> n.layer() == lu && n.unit() == uu);
                if (pruned) {
                    assertEquals(0.0, w.getRow(u).norm1Number().doubleValue(), 0);
                    assertEquals(0.0, b.getDouble(u), 0);
                } else {
                    assertEquals(before.get(wName).getRow(u), w.getRow(u));
                    assertEquals(before.get(bName).getDouble(u), b.getDouble(u), 0);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FinePruning.lowest(mean, null, 1_000_000));
    }

    @Test
    void registryNamesAndErrors() {
        assertTrue(Defenses.names().containsAll(List.of("recipe", "fp", "fp-gm", "fp-ga", "only-pretrain",
                "only-regularisation", "reinit-pooler")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Defenses.create("nope", Defenses.Options.defaults()));
        assertTrue(e.getMessage().contains("recipe") && e.getMessage().contains("nope"), e.getMessage());
        // a setting the defense would ignore is refused by name; RECIPE's presets take every one of them
        Defenses.Options lambdaAndPattern = new Defenses.Options(null, 0.5, null, null, 7L, List.of(), 64,
                List.of("\\.attention\\.self\\.query\\.weight$"), null);
        for (String name : List.of("fp", "fp-ga", "reinit-pooler", "clip-extreme")) {
            dev.recipe.core.ConfigException ce = assertThrows(dev.recipe.core.ConfigException.class,
                    () -> Defenses.create(name, lambdaAndPattern));
            assertTrue(ce.getMessage().contains("'" + name + "'") && ce.getMessage().contains("[lambda, regularised]"),
                    ce.getMessage());
        }
        for (String name : List.of("recipe", "recipe-extended", "only-pretrain", "only-regularisation")) {
            assertEquals(name, Defenses.create(name, lambdaAndPattern).name());
        }
        assertEquals("fp", Defenses.create("fp", new Defenses.Options(null, null, null, null, 7L, List.of(), 32, List.of(), null)).name());
        // SGD is a RECIPE setting: fine-pruning refuses it, RECIPE describes it
        assertThrows(dev.recipe.core.ConfigException.class,
                () -> Defenses.create("fp", Defenses.Options.defaults().withSgdMomentum(0.9)));
        assertEquals("SGD momentum 0.9, linear decay, no warm-up", Defenses.create("recipe",
                Defenses.Options.defaults().withSgdMomentum(0.9)).describe().get("optimizer"));
        assertEquals("AdamW eps 1e-8, linear decay, no warm-up",
                Defenses.create("recipe", Defenses.Options.defaults()).describe().get("optimizer"));
        assertThrows(IllegalArgumentException.class, () -> RecipeConfig.faithful(2).withCheckpointEpochs(List.of(3)));
        assertThrows(IllegalArgumentException.class, () -> RecipeConfig.faithful(2).withLambda(0).onlyRegularisation());
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 3);
        Map<String, Object> fp = Defenses.create("fp", Defenses.Options.defaults()).apply(m, tok(), aux(10), null, null);
        assertEquals(BertConfig.tiny().intermediateSize(), ((Number) fp.get("pruned")).intValue());
        INDArray last = m.weights().get(m.spec().neuronWeights().get(BertConfig.tiny().numLayers() - 1).weight());
        assertEquals(0.0, last.norm1Number().doubleValue(), 0);
    }

    @Test
    void clipExtremeSetsEveryParameterOutsideTheBoundToItAndCountsThem() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.pretraining(), DataType.FLOAT, 3);
        String a = m.spec().regularised().get(0);
        String b = "bert.embeddings.LayerNorm.weight";           // ones: exactly at the bound, not clipped
        m.weights().get(a).putScalar(0, 0, 2.5f);
        m.weights().get(a).putScalar(1, 1, -1.75f);
        m.weights().get(a).putScalar(2, 2, 1.0f);
        Map<String, INDArray> before = copy(m);
        Map<String, Object> r = Defenses.create("clip-extreme", Defenses.Options.defaults()).apply(m, tok(), List.of(), null, null);
        assertEquals(2L, r.get("clipped_values"), r.toString());
        assertEquals(Map.of(a, 2L), r.get("clipped_per_tensor"));
        INDArray w = m.weights().get(a);
        assertEquals(1.0, w.getDouble(0, 0), 0);
        assertEquals(-1.0, w.getDouble(1, 1), 0);
        assertEquals(1.0, w.getDouble(2, 2), 0);
        INDArray expected = before.get(a);
        expected.putScalar(0, 0, 1.0f);
        expected.putScalar(1, 1, -1.0f);
        assertEquals(expected, w, "nothing else in the tensor moved");
        assertEquals(before.get(b), m.weights().get(b));
        m.weights().forEach((k, x) -> assertTrue(x.amaxNumber().doubleValue() <= 1.0, k + " " + x.amaxNumber()));
    }
}
