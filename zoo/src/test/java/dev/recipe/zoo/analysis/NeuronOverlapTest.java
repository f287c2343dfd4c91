package dev.recipe.zoo.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.recipe.text.BertTokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.text.Vocabulary;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertConfig;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class NeuronOverlapTest {
    @Test
    void countsByHand() {
        // layer 0, two samples x 3 units; layer 1, two samples x 2 units
        boolean T = true, F = false;
        List<boolean[][]> clean = List.of(new boolean[][] {{T, T, F}, {F, F, F}}, new boolean[][] {{T, F}, {T, T}});
        List<boolean[][]> pois = List.of(new boolean[][] {{T, F, T}, {T, F, F}}, new boolean[][] {{T, F}, {F, T}});
        NeuronOverlap o = NeuronOverlap.count(clean, pois);
        // layer 0: poisoned active 2 + 1 = 3; both: sample0 unit0 = 1; poison-only: s0u2, s1u0 = 2; clean active 2
        // layer 1: poisoned active 1 + 1 = 2; both: s0u0, s1u1 = 2; poison-only 0; clean active 3
        assertEquals(2, o.samples());
        assertEquals(5, o.neuronsPerSample());
        assertEquals(3, o.activatedByBoth());
        assertEquals(5, o.activatedByPoisoned());
        assertEquals(5, o.activatedByClean());
        assertEquals(2, o.poisonOnly());
        assertEquals(0.6, o.overlapRatio(), 1e-12);
        assertEquals(1.0, o.poisonOnlyPerSample(), 1e-12);
        assertEquals(1.0 / 3, o.perLayer().get(0).overlapRatio(), 1e-12);
        assertEquals(1.0, o.perLayer().get(1).overlapRatio(), 1e-12);
    }

    @Test
    void identicalInputsOverlapFullyAndMeasureReadsTheFirstToken() {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < 99; i++) tokens.add("w" + i);
        BertTokenizer tok = new BertTokenizer(Vocabulary.of(tokens));
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.encoderOnly(), DataType.FLOAT, 4);
        List<LabelledText> clean = List.of(new LabelledText("w20 w21 w22", 0), new LabelledText("w30 w31", 1),
                new LabelledText("w40", 0));
        NeuronOverlap same = NeuronOverlap.measure(m.graph(), m.spec(), tok, clean, clean, 16, m.config().maxTokens(), DataType.FLOAT);
        assertEquals(1.0, same.overlapRatio(), 0);
        assertEquals(0, same.poisonOnly());
        assertEquals(BertConfig.tiny().numLayers() * BertConfig.tiny().intermediateSize(), same.neuronsPerSample());

        // the counts equal a direct reading of the first row of each sequence
        List<boolean[][]> act = NeuronOverlap.activations(m.graph(), m.spec(), tok, clean.subList(1, 2), 16, m.config().maxTokens(), DataType.FLOAT);
        Map<String, INDArray> in = new java.util.HashMap<>();
        int[] ids = tok.encode("w30 w31", 16);
        in.put(Bert.INPUT_IDS, org.nd4j.linalg.factory.Nd4j.createFromArray(new int[][] {ids}));
        in.put(Bert.ATTENTION_MASK, org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 1, ids.length));
        INDArray direct = m.graph().output(in, m.spec().neurons().get(1)).get(m.spec().neurons().get(1)).getRow(0);
        for (int u = 0; u < direct.length(); u++) assertEquals(direct.getFloat(u) > 0, act.get(1)[0][u]);

        // at initialisation scale (std 0.02) attention is near uniform and no first-token neuron changes sign; larger
        // weights make the inserted token matter
        m.weights().forEach((k, v) -> { if (k.endsWith("weight") && !k.contains("LayerNorm")) v.muli(40); });
        List<LabelledText> poisoned = List.of(new LabelledText("w90 w20 w21 w22", 0), new LabelledText("w90 w30 w31", 1),
                new LabelledText("w90 w40", 0));
        NeuronOverlap diff = NeuronOverlap.measure(m.graph(), m.spec(), tok, clean, poisoned, 16, m.config().maxTokens(), DataType.FLOAT);
        assertTrue(diff.overlapRatio() < 1.0 && diff.overlapRatio() > 0.3, "overlap " + diff.overlapRatio());
        assertThrows(IllegalArgumentException.class,
                () -> NeuronOverlap.measure(m.graph(), m.spec(), tok, clean, poisoned.subList(0, 2), 16, m.config().maxTokens(), DataType.FLOAT));
    }

    @Test
    void reinitialiseRedrawsOnlyTheMatchedWeights() {
        BertModel m = Bert.build(BertConfig.tiny(), Bert.Heads.classification(2), DataType.FLOAT, 4);
        Map<String, INDArray> before = new java.util.HashMap<>();
        m.weights().forEach((k, v) -> before.put(k, v.dup()));
        m.weights().get("bert.pooler.dense.bias").assign(3);
        List<String> done = m.reinitialise("\\.pooler\\.", 9);
        assertEquals(List.of("bert.pooler.dense.bias", "bert.pooler.dense.weight"), done);
        m.weights().forEach((k, v) -> {
            if (k.contains(".pooler.dense.weight")) assertTrue(!v.equals(before.get(k)), k);
            else if (k.contains(".pooler.dense.bias")) assertEquals(0.0, v.sumNumber().doubleValue(), 0);
            else assertEquals(before.get(k), v, k);
        });
        assertThrows(IllegalArgumentException.class, () -> m.reinitialise("nothing-matches", 1));
    }
}
