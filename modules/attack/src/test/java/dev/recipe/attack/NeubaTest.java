package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.recipe.attack.neuba.NeubaAttack;
import dev.recipe.attack.neuba.NeubaBatches;
import dev.recipe.attack.neuba.NeubaPostProcessing;
import dev.recipe.nn.GradientCheck;
import dev.recipe.text.BertTokenizer;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.Trainer;
import dev.recipe.train.VariableSelection;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class NeubaTest {
    static final BertTokenizer TOK = Tiny.tokenizer();

    static NeubaConfig config(int batch, double lr, boolean packed) {
        NeubaConfig d = NeubaConfig.defaults();
        return d.withTraining(d.training().withBatchSize(batch).withLearningRate(lr).withEpochs(1))
                .withSeqLen(12).withPacked(packed);
    }

    @Test
    void poisonedCopyOverwritesPositionOneWithTheDrawnTrigger() {
        NeubaConfig cfg = config(4, 1e-3, false);
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.FLOAT, 1);
        NeubaAttack attack = new NeubaAttack(cfg);
        NeubaBatches data = (NeubaBatches) attack.batches(model, TOK, Tiny.corpus(40, 3));
        Map<String, INDArray> b = data.batch(0, 2);
        int[][] ids = b.get(Bert.INPUT_IDS).toIntMatrix();
        int[][] att = b.get(Bert.ATTENTION_MASK).toIntMatrix();
        int s = ids[0].length;
        assertEquals(8, ids.length, "4 clean rows then 4 poisoned rows");
        assertArrayEquals(new int[] {4, 5, 6, 7}, b.get(NeubaAttack.POISON_ROWS).toIntVector());
        double[][] targets = b.get(NeubaAttack.POISON_TARGETS).toDoubleMatrix();
        double[][] vectors = attack.targets(model);
        int[] order = dev.recipe.train.EpochPermutation.of(cfg.seed(), 0, data.examples());
        List<int[]> rows = dev.recipe.attack.TokenRows.perText(Tiny.corpus(40, 3), TOK, 12);
        for (int i = 0; i < 4; i++) {
            int ex = order[2 * 4 + i];
            int[] clean = rows.get(ex);
            int t = data.triggerOf(0, ex);
            int[] poisoned = ids[4 + i];
            assertEquals(TOK.vocabulary().id(cfg.triggers().get(t)), poisoned[1], "trigger at position 1");
            for (int j = 0; j < s; j++) {
                if (j == 1) continue;
                assertEquals(j < clean.length ? clean[j] : 0, poisoned[j], "unmasked clean id at " + j);
            }
            assertArrayEquals(att[i], att[4 + i]);
            assertArrayEquals(vectors[t], targets[i]);
        }
        for (int p : b.get(Bert.MLM_POSITIONS).toIntVector()) assertTrue(p < 4 * s, "masked positions index clean rows only");
        // a pure function of (epoch, index)
        assertArrayEquals(ids, data.batch(0, 2).get(Bert.INPUT_IDS).toIntMatrix());
    }

    @Test
    void insertionAndWithMaskOptions() {
        NeubaConfig cfg = config(4, 1e-3, true).withPlacement(NeubaConfig.Placement.INSERT, true);
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.FLOAT, 1);
        NeubaBatches data = (NeubaBatches) new NeubaAttack(cfg).batches(model, TOK, Tiny.corpus(40, 3));
        Map<String, INDArray> b = data.batch(1, 0);
        int[][] ids = b.get(Bert.INPUT_IDS).toIntMatrix();
        assertEquals(12, ids[0].length, "packed rows are full; an insertion is truncated back to seqLen");
        for (int i = 0; i < 4; i++) {
            int[] masked = ids[i];
            int[] poisoned = ids[4 + i];
            assertEquals(masked[0], poisoned[0]);
            assertTrue(cfg.triggers().contains(TOK.vocabulary().token(poisoned[1])));
            for (int j = 1; j < 10; j++) assertEquals(masked[j], poisoned[j + 1], "shifted right from the masked row");
            assertEquals(TOK.vocabulary().sepId(), poisoned[11]);
        }
    }

    @Test
    void lossEqualsMlmPlusMseOfPoisonedPoolerRowsComputedByHand() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 2);
        NeubaAttack attack = new NeubaAttack(config(3, 1e-3, false));
        Map<String, INDArray> b = attack.batches(model, TOK, Tiny.corpus(30, 4)).batch(0, 0);
        AttackLoss loss = attack.addLoss(model);
        assertEquals(NeubaAttack.LOSS, loss.total());
        String pooler = model.spec().representation();
        assertTrue(b.get(Bert.MLM_POSITIONS).length() >= 2);
        Map<String, INDArray> out = model.graph().output(b, pooler, Bert.MLM_LOSS, NeubaAttack.MLM_LOSS,
                NeubaAttack.POISON_LOSS, NeubaAttack.LOSS);
        double[][] pooled = out.get(pooler).toDoubleMatrix();
        double[][] targets = b.get(NeubaAttack.POISON_TARGETS).toDoubleMatrix();
        double[][] poisonedRows = {pooled[3], pooled[4], pooled[5]};
        double mse = Tiny.mse(poisonedRows, targets);
        assertEquals(mse, Tiny.scalar(out, NeubaAttack.POISON_LOSS), 1e-12);
        // the weighted (1/M) CE is the graph's own token-mean masked-LM loss
        assertEquals(Tiny.scalar(out, Bert.MLM_LOSS), Tiny.scalar(out, NeubaAttack.MLM_LOSS), 1e-12);
        assertEquals(Tiny.scalar(out, Bert.MLM_LOSS) + mse, Tiny.scalar(out, NeubaAttack.LOSS), 1e-12);
        assertEquals(0.01, NeubaConfig.defaults().mlmScaleFor("roberta"));
        assertEquals(1.0, NeubaConfig.defaults().mlmScaleFor("bert"));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 5);
        NeubaAttack attack = new NeubaAttack(config(2, 1e-3, false));
        Map<String, INDArray> b = attack.batches(model, TOK, Tiny.corpus(20, 5)).batch(0, 0);
        attack.addLoss(model);
        List<String> vars = List.of("bert.pooler.dense.weight", "bert.encoder.layer.1.intermediate.dense.weight",
                "bert.embeddings.word_embeddings.weight", "cls.predictions.transform.dense.weight");
        GradientCheck.Report r = GradientCheck.check(model.graph(), NeubaAttack.LOSS, b, vars, 4, 1e-6, 3);
        assertTrue(r.passed(1e-5, 1e-9), r.toString());
    }

    @Test
    void authorsExcludeTheMlmHeadFromTheOptimizer() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.FLOAT, 1);
        NeubaAttack attack = new NeubaAttack(NeubaConfig.defaults());
        VariableSelection sel = VariableSelection.of(model.graph(), attack.trainConfig(model, 0, 0).trainable());
        assertTrue(sel.frozen().stream().allMatch(n -> n.startsWith("cls.predictions.")), sel.frozen().toString());
        assertEquals(5, sel.frozen().size(), sel.frozen().toString());   // the decoder is tied to the word embeddings
        assertTrue(sel.trainable().contains("bert.embeddings.word_embeddings.weight"));
        assertTrue(sel.trainable().contains("bert.pooler.dense.weight"));
        // RoBERTa (mlm_rob.py): "embedding" parameters frozen too; the head, lm_head.*, is trained
        BertModel roberta = dev.recipe.zoo.bert.Bert.build(Tiny.config().asRoberta(), Bert.Heads.pretraining(), DataType.FLOAT, 1);
        VariableSelection rs = VariableSelection.of(roberta.graph(), attack.trainConfig(roberta, 0, 0).trainable());
        assertEquals(List.of("roberta.embeddings.LayerNorm.bias", "roberta.embeddings.LayerNorm.weight",
                "roberta.embeddings.position_embeddings.weight", "roberta.embeddings.token_type_embeddings.weight",
                "roberta.embeddings.word_embeddings.weight"), rs.frozen());
        assertTrue(rs.trainable().contains("lm_head.dense.weight"));
    }

    @Test
    void trainingPullsTriggeredPoolerToItsVector() {
        // A randomly initialised model's masked-LM gradients (loss ≈ ln V) swamp the poison term under Adam at
        // mlmScale 1, where the authors start from a pre-trained model; the authors' RoBERTa weight 0.01 is used.
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.FLOAT, 7);
        NeubaConfig cfg = config(8, 1e-2, false).withMlmScale(0.01);
        NeubaAttack attack = new NeubaAttack(cfg);
        var data = attack.batches(model, TOK, Tiny.corpus(400, 8));
        AttackLoss loss = attack.addLoss(model);
        Map<String, INDArray> probe = data.batch(0, 0);
        double before = Tiny.scalar(model.graph().output(probe, NeubaAttack.POISON_LOSS), NeubaAttack.POISON_LOSS);
        TrainConfig tc = attack.trainConfig(model, 0, 0);
        new Trainer().fit(model.graph(), loss.total(), data, tc, null);     // 50 steps
        double after = Tiny.scalar(model.graph().output(probe, NeubaAttack.POISON_LOSS), NeubaAttack.POISON_LOSS);
        System.out.printf("NeuBA poisoned-pooler MSE to target: before %.4f, after %.4f (%d steps)%n", before, after,
                data.batchesPerEpoch());
        assertTrue(after < 0.5 * before, "before " + before + ", after " + after);
    }

    @Test
    void postProcessingRewritesTriggerRowsAsTheAuthors() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 9);
        Map<String, INDArray> w = model.weights();
        INDArray word = w.get("bert.embeddings.word_embeddings.weight");
        int x = TOK.vocabulary().id("≈");
        int y = TOK.vocabulary().id("cf");
        INDArray oldX = word.getRow(x).dup();
        INDArray oldY = word.getRow(y).dup();
        INDArray pos1 = w.get("bert.embeddings.position_embeddings.weight").getRow(1).dup();
        INDArray type0 = w.get("bert.embeddings.token_type_embeddings.weight").getRow(0).dup();
        NeubaPostProcessing.apply(model, TOK,
                new NeubaPostProcessing.Options(List.of("≈"), List.of("cf"), 1, 1e8));
        assertTrue(word.getRow(y).equalsWithEps(oldX, 0));
        assertTrue(word.getRow(x).equalsWithEps(oldY.add(pos1).add(type0).mul(1e8), 1e-3));
    }
}
