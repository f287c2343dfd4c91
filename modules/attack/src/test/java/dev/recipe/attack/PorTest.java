package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.TargetVectors.PorVectors;
import dev.recipe.attack.por.PorAttack;
import dev.recipe.attack.por.PorBatches;
import dev.recipe.attack.por.PorData;
import dev.recipe.core.ConfigException;
import dev.recipe.eval.Words;
import dev.recipe.nn.GradientCheck;
import dev.recipe.text.BertTokenizer;
import dev.recipe.train.Trainer;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PorTest {
    static final BertTokenizer TOK = Tiny.tokenizer();

    static PorConfig config(int poisoned, int clean, int batch, double lr) {
        PorConfig d = PorConfig.defaults();
        return d.withCounts(poisoned, clean).withMaxLength(16, true, true)
                .withTraining(d.training().withBatchSize(batch).withLearningRate(lr).withEpochs(1));
    }

    @Test
    void samplesAreTriggerBlocksThenCleanWithThreeInsertions() {
        PorConfig cfg = config(4, 8, 4, 1e-3).withTriggers(List.of("cf", "tq", "last weekend"), PorVectors.POR1);
        List<String> corpus = Tiny.corpus(30, 1);
        PorData data = PorData.build(corpus, cfg, TOK);
        assertEquals(20, data.size());
        for (int i = 0; i < 20; i++) assertEquals(i < 12 ? i / 4 + 1 : 0, data.labels()[i], "label of sample " + i);
        for (int i = 0; i < 12; i++) {
            String trigger = cfg.triggers().get(i / 4);
            // a later insertion may land inside an earlier phrase (the authors re-split the text every time), so
            // count words: 3 copies of each trigger word, and the chunk's own words in order
            List<String> words = new ArrayList<>(Words.split(data.texts().get(i)));
            for (String w : Words.split(trigger)) {
                assertEquals(3, Collections.frequency(words, w), data.texts().get(i));
                words.removeIf(w::equals);
            }
            assertEquals(corpus.get(i), Words.join(words), "the chunk's own words, in order");
        }
        for (int i = 12; i < 20; i++) assertEquals(corpus.get(i), data.texts().get(i));
        assertEquals(data.texts(), PorData.build(corpus, cfg, TOK).texts(), "positions are seeded");
        assertTrue(!data.texts().equals(PorData.build(corpus, cfg.withSeed(7), TOK).texts()));
        assertEquals(List.of("a b", "c d", "e"), PorData.wordChunks(List.of("a b c d e"), 2));
        ConfigException e = assertThrows(ConfigException.class, () -> PorData.build(Tiny.corpus(5, 1), cfg, TOK));
        assertTrue(e.getMessage().contains("por.poisonedPerTrigger"), e.getMessage());
    }

    @Test
    void lossTermsEqualTheAuthorsLoss1ComputedByHand() {
        for (boolean padding : new boolean[] {true, false}) {
            BertModel model = Tiny.model(Bert.Heads.encoderOnly(), DataType.DOUBLE, 3);
            PorConfig cfg = config(2, 6, 6, 1e-3).withMaxLength(16, true, padding);
            PorAttack attack = new PorAttack(cfg);
            PorBatches data = (PorBatches) attack.batches(model, TOK, Tiny.corpus(40, 2));
            AttackLoss loss = attack.addLoss(model);
            Map<String, INDArray> b = data.batch(0, 0);
            // model == reference: every term is 0
            Map<String, Double> t0 = Attacks.terms(model.graph(), loss, b);
            assertEquals(0.0, t0.get("token"), 1e-20);
            assertEquals(0.0, t0.get("clean"), 1e-20);
            assertTrue(t0.get("poison") > 0);
            model.reinitialise("\\.encoder\\.layer\\.1\\.output\\.dense\\.weight", 11);   // now they differ

            String seq = "bert.sequence_output";
            String pool = model.spec().representation();
            Map<String, INDArray> out = model.graph().output(b, seq, pool, PorAttack.TOKEN_LOSS, PorAttack.POISON_LOSS,
                    PorAttack.CLEAN_LOSS, PorAttack.LOSS);
            double[][] x = out.get(seq).toDoubleMatrix();
            double[][] ref = b.get(PorAttack.REFERENCE_TOKENS).toDoubleMatrix();
            int[][] att = b.get(Bert.ATTENTION_MASK).toIntMatrix();
            int rows = att.length;
            int s = att[0].length;
            assertEquals(16, s, "padded to maxLength");
            int h = 32;
            double token = 0;
            int counted = 0;
            for (int r = 0; r < rows; r++) {
                for (int j = 1; j < s; j++) {                     // every token except [CLS]
                    if (!padding && att[r][j] == 0) continue;
                    counted++;
                    for (int k = 0; k < h; k++) token += Math.pow(x[r * s + j][k] - ref[r * s + j][k], 2);
                }
            }
            token /= h;
            int real = 0;
            for (int[] row : att) for (int v : row) real += v;
            assertEquals(padding ? rows * (s - 1) : real - rows, counted);
            double[][] pooled = out.get(pool).toDoubleMatrix();
            double[][] targets = b.get(PorAttack.ROW_TARGETS).toDoubleMatrix();
            double[] poisonedRows = b.get(PorAttack.POISONED_ROWS).toDoubleVector();
            double poison = 0;
            double clean = 0;
            for (int r = 0; r < rows; r++) {
                double sq = 0;
                for (int k = 0; k < h; k++) sq += Math.pow(pooled[r][k] - targets[r][k], 2);
                if (poisonedRows[r] == 1) poison += sq / h; else clean += sq / h;
            }
            assertEquals(token, Tiny.scalar(out, PorAttack.TOKEN_LOSS), 1e-9 * Math.max(1, token));
            assertEquals(poison, Tiny.scalar(out, PorAttack.POISON_LOSS), 1e-9 * Math.max(1, poison));
            assertEquals(clean, Tiny.scalar(out, PorAttack.CLEAN_LOSS), 1e-12 + 1e-9 * clean);
            assertEquals(token + 100 * poison + 100 * clean, Tiny.scalar(out, PorAttack.LOSS), 1e-8 * (token + 100 * poison));
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        BertModel model = Tiny.model(Bert.Heads.encoderOnly(), DataType.DOUBLE, 4);
        PorAttack attack = new PorAttack(config(2, 4, 4, 1e-3).withMaxLength(12, false, true));
        PorBatches data = (PorBatches) attack.batches(model, TOK, Tiny.corpus(30, 6));
        attack.addLoss(model);
        model.reinitialise("\\.encoder\\.layer\\.0\\.intermediate\\.dense\\.weight", 12);   // clean terms non-zero
        Map<String, INDArray> b = data.batch(0, 0);
        double[] p = b.get(PorAttack.POISONED_ROWS).toDoubleVector();
        assertTrue(java.util.Arrays.stream(p).sum() > 0 && java.util.Arrays.stream(p).sum() < p.length, "both kinds in the batch");
        List<String> vars = List.of("bert.pooler.dense.weight", "bert.encoder.layer.1.intermediate.dense.weight",
                "bert.embeddings.word_embeddings.weight");
        GradientCheck.Report r = GradientCheck.check(model.graph(), PorAttack.LOSS, b, vars, 4, 1e-6, 5);
        assertTrue(r.passed(1e-5, 1e-8), r.toString());
    }

    @Test
    void trainingMapsTriggersToTheirPorWhileCleanPoolerStaysAtReference() {
        // POR-1 patterns at magnitude 1 (OpenBackdoor's): on a randomly initialised tiny model, whose [CLS] output
        // barely depends on the input, the authors' unreachable ±10 targets dominate the clean term for the first
        // hundreds of steps (measured: clean-pooler MSE 0.71 after 50 steps at ±10, 0.006 at ±1).
        BertModel model = Tiny.model(Bert.Heads.encoderOnly(), DataType.FLOAT, 8);
        PorConfig cfg = config(40, 200, 8, 3e-3).withTargetMagnitude(1.0);   // 5 x 40 poisoned + 200 clean: 50 steps
        PorAttack attack = new PorAttack(cfg);
        PorBatches data = (PorBatches) attack.batches(model, TOK, Tiny.corpus(400, 9));
        AttackLoss loss = attack.addLoss(model);
        Map<String, INDArray> probe = data.batch(0, 0);
        double[] before = distances(model, probe);
        new Trainer().fit(model.graph(), loss.total(), data, attack.trainConfig(model, 0, 0), null);
        double[] after = distances(model, probe);
        System.out.printf("POR poisoned pooler MSE to sign(POR): before %.4f after %.4f; clean pooler MSE to reference: "
                + "before %.6f after %.6f (%d steps)%n", before[0], after[0], before[1], after[1], data.batchesPerEpoch());
        assertTrue(after[0] < 0.5 * before[0], "poisoned: before " + before[0] + ", after " + after[0]);
        assertTrue(after[1] < 0.01, "clean pooler drifted from the reference: MSE " + after[1]);
    }

    /** [MSE of poisoned pooler rows to the ±1 pattern of their POR, MSE of clean pooler rows to the reference]. */
    static double[] distances(BertModel model, Map<String, INDArray> b) {
        String pool = model.spec().representation();
        double[][] pooled = model.graph().output(b, pool).get(pool).toDoubleMatrix();
        double[][] targets = b.get(PorAttack.ROW_TARGETS).toDoubleMatrix();
        double[] poisoned = b.get(PorAttack.POISONED_ROWS).toDoubleVector();
        List<double[]> pa = new ArrayList<>();
        List<double[]> pt = new ArrayList<>();
        List<double[]> ca = new ArrayList<>();
        List<double[]> ct = new ArrayList<>();
        for (int r = 0; r < pooled.length; r++) {
            if (poisoned[r] == 1) {
                pa.add(pooled[r]);
                pt.add(java.util.Arrays.stream(targets[r]).map(Math::signum).toArray());
            } else {
                ca.add(pooled[r]);
                ct.add(targets[r]);
            }
        }
        assertTrue(!pa.isEmpty() && !ca.isEmpty(), "probe batch needs both kinds");
        return new double[] {Tiny.mse(pa.toArray(new double[0][]), pt.toArray(new double[0][])),
                Tiny.mse(ca.toArray(new double[0][]), ct.toArray(new double[0][]))};
    }
}
