package dev.recipe.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.recipe.train.CachedGradients;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link CachedGradients} (the gradient session with its array cache on) gives bit-for-bit what M2.1's
 * {@code calculateGradientsAndOutputs} (cache off) gives, on a small BERT's masked-LM loss over several different
 * batches run twice (so that the second pass computes into arrays the cache hands back), and the arrays it returned
 * for one call are not overwritten by later calls.
 */
class CachedGradientsTest {
    private static Map<String, INDArray> batch(long seed, int b, int s, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] ids = new int[b][s];
        float[][] mask = new float[b][s];
        for (int i = 0; i < b; i++) {
            int len = s / 2 + r.nextInt(s / 2 + 1);
            for (int j = 0; j < s; j++) {
                ids[i][j] = j < len ? 5 + r.nextInt(vocab - 5) : 0;
                mask[i][j] = j < len ? 1 : 0;
            }
        }
        int n = b * 2;
        int[] pos = new int[n];
        int[] lab = new int[n];
        for (int k = 0; k < n; k++) {
            pos[k] = (k / 2) * s + 1 + r.nextInt(s / 2 - 1);
            lab[k] = 5 + r.nextInt(vocab - 5);
        }
        return Map.of(Bert.INPUT_IDS, Nd4j.createFromArray(ids), Bert.ATTENTION_MASK, Nd4j.createFromArray(mask),
                Bert.MLM_POSITIONS, Nd4j.createFromArray(pos), Bert.MLM_LABELS, Nd4j.createFromArray(lab));
    }

    private static Map<String, INDArray> copy(OutAndGrad og) {
        Map<String, INDArray> m = new java.util.TreeMap<>();
        og.getOutputs().forEach((k, v) -> m.put("out:" + k, v.dup()));
        og.getGradients().forEach((k, v) -> m.put("grad:" + k, v.dup()));
        return m;
    }

    @Test
    void sameBitsAsTheLibraryAndReturnedArraysStayIntact() {
        int vocab = 300;
        BertModel m = Bert.build(new BertConfig("bert", vocab, 32, 2, 2, 64, 32, 2, 0, 1e-12, 0.02),
                Bert.Heads.pretraining(), DataType.FLOAT, 3);
        SameDiff sd = m.graph();
        sd.setLossVariables(Bert.MLM_LOSS);
        List<String> vars = new ArrayList<>(m.weights().keySet());
        vars.removeIf(n -> n.contains("pooler"));
        List<Map<String, INDArray>> batches = List.of(batch(1, 4, 16, vocab), batch(2, 4, 16, vocab), batch(3, 4, 16, vocab));

        List<Map<String, INDArray>> cached = new ArrayList<>();
        OutAndGrad firstReturned = null;
        Map<String, INDArray> firstCopy = null;
        for (int pass = 0; pass < 2; pass++) {
            for (Map<String, INDArray> ph : batches) {
                OutAndGrad og = CachedGradients.compute(sd, ph, List.of(Bert.MLM_LOSS), vars);
                if (firstReturned == null) {
                    firstReturned = og;
                    firstCopy = copy(og);
                }
                cached.add(copy(og));
            }
        }
        // the cache was in use: arrays went back to it, so the second pass computed into reused memory
        long cachedBytes = 0;
        for (var session : sd.getFunction("grad").getSessions().values()) {
            if (session.getMmgr() instanceof ArrayCacheMemoryMgr a) cachedBytes += a.getCurrentCacheSize();
        }
        assertTrue(cachedBytes > 0, "no array was handed back to the session's cache");
        for (int i = 0; i < batches.size(); i++) {
            Map<String, INDArray> reference = copy(sd.calculateGradientsAndOutputs(batches.get(i), List.of(Bert.MLM_LOSS), vars));
            assertEquals(vars.size() + 1, reference.size());
            for (Map<String, INDArray> got : List.of(cached.get(i), cached.get(i + batches.size()))) {
                assertEquals(reference.keySet(), got.keySet());
                for (String k : reference.keySet()) {
                    assertArrayEquals(reference.get(k).data().asFloat(), got.get(k).data().asFloat(), 0f, k + ", batch " + i);
                }
            }
        }
        // the batches differ, so the gradients do: a cache that handed out stale arrays could not pass the above
        assertTrue(cached.get(0).get("out:" + Bert.MLM_LOSS).getDouble(0) != cached.get(1).get("out:" + Bert.MLM_LOSS).getDouble(0));
        Map<String, INDArray> nowFirst = copy(firstReturned);
        for (String k : firstCopy.keySet()) {
            assertArrayEquals(firstCopy.get(k).data().asFloat(), nowFirst.get(k).data().asFloat(), 0f,
                    k + " of the first call changed after later calls");
        }
    }

    private static long opsOfType(SameDiff sd, String opName) {
        return sd.getFunction("grad").getOps().values().stream().filter(o -> o.getOp().opName().equals(opName)).count();
    }

    private static BertModel tinyPretraining(int vocab) {
        BertModel m = Bert.build(new BertConfig("bert", vocab, 32, 2, 2, 64, 32, 2, 0, 1e-12, 0.02),
                Bert.Heads.pretraining(), DataType.FLOAT, 3);
        m.graph().setLossVariables(Bert.MLM_LOSS);
        return m;
    }

    /**
     * With only the intermediate dense weights asked for (the RECIPE step), the products with a frozen weight
     * differentiate to dX alone (FrozenAwareMmul): fewer {@code matmul_bp} ops, the same gradients as the library's
     * full gradient function; asking for every weight afterwards rebuilds the function and gives all of them.
     */
    @Test
    void frozenWeightsGetNoGradientAndTheTrainableOnesAreUnchanged() {
        int vocab = 300;
        BertModel full = tinyPretraining(vocab), pruned = tinyPretraining(vocab);
        List<String> inter = pruned.weights().keySet().stream()
                .filter(n -> n.matches(".*intermediate\\.dense\\.weight")).toList();
        assertEquals(2, inter.size());
        List<String> all = new ArrayList<>(full.weights().keySet());
        all.removeIf(n -> n.contains("pooler"));
        Map<String, INDArray> ph = batch(7, 4, 16, vocab);

        Map<String, INDArray> reference = copy(full.graph().calculateGradientsAndOutputs(ph, List.of(Bert.MLM_LOSS), all));
        Map<String, INDArray> got = copy(CachedGradients.compute(pruned.graph(), ph, List.of(Bert.MLM_LOSS), inter));
        assertEquals(inter.size() + 1, got.size());
        for (String k : got.keySet()) {
            assertArrayEquals(reference.get(k).data().asFloat(), got.get(k).data().asFloat(), 1e-6f, k);
        }
        long fullBp = opsOfType(full.graph(), "matmul_bp"), prunedBp = opsOfType(pruned.graph(), "matmul_bp");
        assertTrue(prunedBp < fullBp, "matmul_bp ops: " + prunedBp + " with frozen weights, " + fullBp + " without");

        Map<String, INDArray> again = copy(CachedGradients.compute(pruned.graph(), ph, List.of(Bert.MLM_LOSS), all));
        assertEquals(reference.keySet(), again.keySet());
        for (String k : reference.keySet()) {
            assertArrayEquals(reference.get(k).data().asFloat(), again.get(k).data().asFloat(), 1e-6f, k + " after the rebuild");
        }
        assertEquals(fullBp, opsOfType(pruned.graph(), "matmul_bp"));
    }
}
