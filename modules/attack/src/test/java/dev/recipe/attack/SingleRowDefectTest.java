package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.recipe.attack.neuba.NeubaAttack;
import dev.recipe.nn.GradientCheck;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SingleRowDefectTest {

    @Test
    void selectionsNeverHaveZeroOrOneRow() {
        SingleRowDefect.Selection one = SingleRowDefect.safe(new int[] {7}, new int[] {3}, new double[] {0.8}, new double[] {0});
        assertArrayEquals(new int[] {7, 7}, one.index());
        assertArrayEquals(new int[] {3, 3}, one.labels());
        assertArrayEquals(new double[] {0.4, 0.4}, one.weights()[0]);
        SingleRowDefect.Selection none = SingleRowDefect.safe(new int[0], new int[0], new double[0]);
        assertArrayEquals(new int[] {0, 0}, none.index());
        assertArrayEquals(new double[] {0, 0}, none.weights()[0]);
        int[] many = {1, 2};
        assertTrue(SingleRowDefect.safe(many, many, new double[] {1, 1}).index() == many);
    }

    /** Batch size 1: one poisoned row (listed twice) and a handful of masked positions; the gradient is exact. */
    @Test
    void neubaWithOnePoisonedRowHasTheRightGradient() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 13);
        NeubaAttack attack = new NeubaAttack(NeubaTest.config(1, 1e-3, false));
        Map<String, INDArray> b = attack.batches(model, Tiny.tokenizer(), Tiny.corpus(10, 13)).batch(0, 0);
        assertArrayEquals(new int[] {1, 1}, b.get(NeubaAttack.POISON_ROWS).toIntVector());
        attack.addLoss(model);
        GradientCheck.Report r = GradientCheck.check(model.graph(), NeubaAttack.POISON_LOSS, b,
                List.of("bert.pooler.dense.weight", "bert.encoder.layer.1.output.dense.weight"), 6, 1e-6, 2);
        assertTrue(r.passed(1e-5, 1e-9), r.toString());
        // the doubled row gives the MSE of the single row
        String pool = model.spec().representation();
        Map<String, INDArray> out = model.graph().output(b, pool, NeubaAttack.POISON_LOSS);
        double[][] row = {out.get(pool).toDoubleMatrix()[1]};
        double[][] target = {b.get(NeubaAttack.POISON_TARGETS).toDoubleMatrix()[0]};
        assertEquals(Tiny.mse(row, target), out.get(NeubaAttack.POISON_LOSS).getDouble(0), 1e-12);
    }

    /** A batch with no masked position has a zero masked-LM term instead of failing in onehot. */
    @Test
    void noMaskedPositionGivesAZeroTerm() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 14);
        NeubaAttack attack = new NeubaAttack(NeubaTest.config(1, 1e-3, false));
        Map<String, INDArray> b = new java.util.HashMap<>(attack.batches(model, Tiny.tokenizer(), Tiny.corpus(10, 14)).batch(0, 0));
        SingleRowDefect.Selection none = SingleRowDefect.safe(new int[0], new int[0], new double[0]);
        b.put(Bert.MLM_POSITIONS, Nd4j.createFromArray(none.index()));
        b.put(Bert.MLM_LABELS, Nd4j.createFromArray(none.labels()));
        b.put(NeubaAttack.MLM_WEIGHTS, Nd4j.createFromArray(none.weights()[0]));
        attack.addLoss(model);
        assertEquals(0.0, model.graph().output(b, NeubaAttack.MLM_LOSS).get(NeubaAttack.MLM_LOSS).getDouble(0), 0.0);
    }
}
