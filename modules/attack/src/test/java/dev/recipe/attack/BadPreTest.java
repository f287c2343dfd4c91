package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.recipe.attack.badpre.BadPreAttack;
import dev.recipe.attack.badpre.BadPreBatches;
import dev.recipe.core.ConfigException;
import dev.recipe.nn.GradientCheck;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.MaskingMode;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class BadPreTest {
    static final BertTokenizer TOK = Tiny.tokenizer();

    static BadPreConfig config(int batch, BadPreConfig.Composition c, long seed) {
        BadPreConfig d = BadPreConfig.defaults();
        return new BadPreConfig(seed, d.triggers(), 1.0, 10, c, BadPreConfig.FullLength.PREVIOUS_ROW, MaskingMode.DYNAMIC,
                d.training().withBatchSize(batch).withEpochs(1));
    }

    static BadPreBatches batches(BadPreConfig cfg, List<String> corpus, DataType dt) {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), dt, 1);
        return (BadPreBatches) new BadPreAttack(cfg).batches(model, TOK, corpus);
    }

    static int[] withoutOne(int[] row, Set<Integer> triggers) {
        for (int j = 0; j < row.length; j++) {
            if (triggers.contains(row[j])) {
                int[] out = new int[row.length - 1];
                System.arraycopy(row, 0, out, 0, j);
                System.arraycopy(row, j + 1, out, j, row.length - j - 1);
                return out;
            }
        }
        throw new AssertionError("no trigger in " + Arrays.toString(row));
    }

    @Test
    void poisonedRowIsTheRowWithOneTriggerOrThePreviousRowsWhenFull() {
        BadPreConfig cfg = config(4, BadPreConfig.Composition.PAIRED, 42);
        List<String> corpus = Tiny.corpus(30, 2);
        BadPreBatches data = batches(cfg, corpus, DataType.FLOAT);
        List<int[]> rows = TokenRows.perText(corpus, TOK, 10);
        Set<Integer> triggerIds = new HashSet<>();
        for (String t : cfg.triggers()) triggerIds.add(TOK.vocabulary().id(t));
        int full = 0;
        for (int i = 0; i < rows.size(); i++) {
            int[] p = data.poisonedRow(0, i);
            int src = i;
            while (rows.get(src).length == 10) src = src == 0 ? rows.size() - 1 : src - 1;
            if (src != i) full++;
            assertArrayEquals(rows.get(src), withoutOne(p, triggerIds), "row " + i + " (source " + src + ")");
            assertEquals(1, Arrays.stream(p).filter(triggerIds::contains).count());
            assertArrayEquals(p, data.poisonedRow(0, i), "deterministic");
        }
        assertTrue(full > 0, "the corpus has rows at full length");
        // DROP_LAST_TOKEN poisons the row itself, its last body token dropped
        BadPreConfig drop = new BadPreConfig(42, cfg.triggers(), 1.0, 10, cfg.composition(),
                BadPreConfig.FullLength.DROP_LAST_TOKEN, cfg.masking(), cfg.training());
        BadPreBatches dropped = batches(drop, corpus, DataType.FLOAT);
        for (int i = 0; i < rows.size(); i++) {
            int[] r = rows.get(i);
            int[] expected = r;
            if (r.length == 10) {                           // [CLS] b1..b8 [SEP] -> [CLS] b1..b7 [SEP]
                expected = Arrays.copyOf(r, 9);
                expected[8] = r[9];
            }
            assertArrayEquals(expected, withoutOne(dropped.poisonedRow(0, i), triggerIds));
        }
        ConfigException e = assertThrows(ConfigException.class, () -> batches(
                new BadPreConfig(1, cfg.triggers(), 1.0, 4, cfg.composition(), cfg.fullLength(), cfg.masking(), cfg.training()),
                corpus, DataType.FLOAT));
        assertTrue(e.getMessage().contains("DROP_LAST_TOKEN"), e.getMessage());
    }

    @Test
    void labelsAreReplacedOnlyAtPoisonedMaskedPositionsDeterministically() {
        BadPreConfig cfg = config(6, BadPreConfig.Composition.PAIRED, 42);
        List<String> corpus = Tiny.corpus(30, 3);
        BadPreBatches data = batches(cfg, corpus, DataType.FLOAT);
        List<int[]> rows = TokenRows.perText(corpus, TOK, 10);
        Map<String, INDArray> b = data.batch(0, 1);
        int[] entries = data.entries(0, 1);
        int n = rows.size();
        int[][] ids = b.get(Bert.INPUT_IDS).toIntMatrix();
        int s = ids[0].length;
        int[] pos = b.get(Bert.MLM_POSITIONS).toIntVector();
        int[] labels = b.get(Bert.MLM_LABELS).toIntVector();
        double[] wc = b.get(BadPreAttack.CLEAN_WEIGHTS).toDoubleVector();
        double[] wp = b.get(BadPreAttack.POISON_WEIGHTS).toDoubleVector();
        assertEquals(12, ids.length, "6 rows and their 6 poisoned copies");
        Set<Integer> masked = new HashSet<>();
        for (int p : pos) masked.add(p);
        int[] used = new int[ids.length];
        for (int q = 0; q < pos.length; q++) {
            int r = pos[q] / s;
            int j = pos[q] % s;
            int e = entries[r];
            if (e < n) {
                assertEquals(rows.get(e)[j], labels[q], "clean rows keep their original ids as labels");
                assertTrue(wc[q] > 0);
                assertEquals(0.0, wp[q]);
            } else {
                long count = Arrays.stream(pos).filter(p -> p / s == r).count();
                int[] noise = data.noiseLabels(0, e - n, (int) count);
                assertEquals(noise[used[r]++], labels[q], "poisoned rows get the seeded random ids, in position order");
                assertTrue(wp[q] > 0);
                assertEquals(0.0, wc[q]);
            }
        }
        for (int r = 0; r < ids.length; r++) {
            int e = entries[r];
            int[] row = e < n ? rows.get(e) : data.poisonedRow(0, e - n);
            for (int j = 0; j < row.length; j++) {
                if (!masked.contains(r * s + j)) assertEquals(row[j], ids[r][j], "unmasked id of row " + r + " at " + j);
            }
        }
        assertEquals(1.0, Arrays.stream(wc).sum(), 1e-6, "token mean over clean masked positions");
        assertEquals(1.0, Arrays.stream(wp).sum(), 1e-6, "token mean over poisoned masked positions");
        assertArrayEquals(labels, data.batch(0, 1).get(Bert.MLM_LABELS).toIntVector(), "deterministic per seed");
        BadPreBatches other = batches(config(6, BadPreConfig.Composition.PAIRED, 43), corpus, DataType.FLOAT);
        assertFalse(Arrays.equals(data.noiseLabels(0, 0, 8), other.noiseLabels(0, 0, 8)), "another seed, other labels");
    }

    @Test
    void shuffledCompositionUsesEveryEntryOncePerEpoch() {
        BadPreConfig cfg = config(5, BadPreConfig.Composition.SHUFFLED, 42);
        BadPreBatches data = batches(cfg, Tiny.corpus(30, 4), DataType.FLOAT);
        assertEquals(2 * data.rows() / 5, data.batchesPerEpoch());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < data.batchesPerEpoch(); i++) for (int e : data.entries(0, i)) assertTrue(seen.add(e));
        assertEquals(data.batchesPerEpoch() * 5, seen.size());
    }

    @Test
    void lossIsCleanTokenMeanPlusAlphaTimesPoisonedTokenMeanByHand() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 2);
        BadPreConfig base = config(4, BadPreConfig.Composition.SHUFFLED, 5);
        BadPreConfig cfg = new BadPreConfig(5, base.triggers(), 0.5, 10, base.composition(), base.fullLength(),
                base.masking(), base.training());
        BadPreAttack attack = new BadPreAttack(cfg);
        Map<String, INDArray> b = attack.batches(model, TOK, Tiny.corpus(30, 5)).batch(0, 0);
        attack.addLoss(model);
        Map<String, INDArray> out = model.graph().output(b, Bert.MLM_LOGITS, BadPreAttack.CLEAN_LOSS,
                BadPreAttack.POISON_LOSS, BadPreAttack.LOSS);
        double[][] logits = out.get(Bert.MLM_LOGITS).toDoubleMatrix();
        int[] labels = b.get(Bert.MLM_LABELS).toIntVector();
        double[] wc = b.get(BadPreAttack.CLEAN_WEIGHTS).toDoubleVector();
        double[] wp = b.get(BadPreAttack.POISON_WEIGHTS).toDoubleVector();
        double clean = 0;
        double poison = 0;
        for (int q = 0; q < labels.length; q++) {
            double max = Arrays.stream(logits[q]).max().orElseThrow();
            double lse = max + Math.log(Arrays.stream(logits[q]).map(v -> Math.exp(v - max)).sum());
            double nll = lse - logits[q][labels[q]];
            clean += wc[q] * nll;
            poison += wp[q] * nll;
        }
        assertTrue(clean > 0 && poison > 0, "both groups in the batch");
        assertEquals(clean, Tiny.scalar(out, BadPreAttack.CLEAN_LOSS), 1e-10);
        assertEquals(poison, Tiny.scalar(out, BadPreAttack.POISON_LOSS), 1e-10);
        assertEquals(clean + 0.5 * poison, Tiny.scalar(out, BadPreAttack.LOSS), 1e-10);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 6);
        BadPreAttack attack = new BadPreAttack(config(3, BadPreConfig.Composition.SHUFFLED, 6));
        Map<String, INDArray> b = attack.batches(model, TOK, Tiny.corpus(20, 6)).batch(0, 0);
        attack.addLoss(model);
        List<String> vars = List.of("bert.encoder.layer.1.intermediate.dense.weight", "bert.embeddings.word_embeddings.weight",
                "cls.predictions.transform.dense.weight", "cls.predictions.bias");
        GradientCheck.Report r = GradientCheck.check(model.graph(), BadPreAttack.LOSS, b, vars, 4, 1e-6, 7);
        assertTrue(r.passed(1e-5, 1e-9), r.toString());
    }
}
