package dev.recipe.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.recipe.text.BertTokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.text.MaskingMode;
import dev.recipe.text.Vocabulary;
import dev.recipe.text.VocabularyBuilder;
import dev.recipe.zoo.bert.Bert;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class PipelinesTest {
    static List<String> corpus() {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < 200; i++) t.add("the quick brown fox number " + i + " jumps over the lazy dog again and again .");
        return t;
    }

    static BertTokenizer tokenizer() {
        Vocabulary v = new VocabularyBuilder(VocabularyBuilder.Config.defaults(300)).build(corpus());
        return new BertTokenizer(v);
    }

    @Test
    void packedMaskedLmBatchesAreFullDeterministicAndStaticMasksRepeat() {
        BertTokenizer tok = tokenizer();
        MaskedLmBatches dyn = MaskedLmBatches.packed(corpus(), tok, 16, 8, MaskingMode.DYNAMIC, 7, DataType.FLOAT);
        Map<String, INDArray> a = dyn.batch(1, 2);
        Map<String, INDArray> b = dyn.batch(1, 2);
        assertEquals(a, b, "a batch is a pure function of (epoch, index)");
        assertArrayEquals(new long[] {8, 16}, a.get(Bert.INPUT_IDS).shape());
        assertEquals(8 * 16, a.get(Bert.ATTENTION_MASK).sumNumber().intValue(), "packed chunks have no padding");
        int cls = tok.vocabulary().clsId();
        for (int i = 0; i < 8; i++) assertEquals(cls, a.get(Bert.INPUT_IDS).getInt(i, 0));
        assertEquals(a.get(Bert.MLM_POSITIONS).length(), a.get(Bert.MLM_LABELS).length());
        assertTrue(a.get(Bert.MLM_POSITIONS).length() > 0);
        // static masks: the same example gets the same masked positions in every epoch
        MaskedLmBatches stat = MaskedLmBatches.perText(corpus(), tok, 24, 200, MaskingMode.STATIC, 7, DataType.FLOAT);
        INDArray e0 = stat.batch(0, 0).get(Bert.MLM_LABELS);
        INDArray e1 = stat.batch(1, 0).get(Bert.MLM_LABELS);
        assertEquals(e0.length(), e1.length(), "full-data batch: same examples, same static masks, same count");
        MaskedLmBatches dyn2 = MaskedLmBatches.perText(corpus(), tok, 24, 200, MaskingMode.DYNAMIC, 7, DataType.FLOAT);
        assertNotEquals(dyn2.batch(0, 0).get(Bert.MLM_POSITIONS), dyn2.batch(1, 0).get(Bert.MLM_POSITIONS));
    }

    @Test
    void classificationBatchesPadToTheLongestRoundedTo16AndKeepTheLastPartialBatch() {
        BertTokenizer tok = tokenizer();
        List<LabelledText> data = List.of(new LabelledText("the fox", 1), new LabelledText("the lazy dog jumps over", 0),
                new LabelledText("again", 1));
        ClassificationBatches b = new ClassificationBatches(data, tok, 64, 2, false, 0, DataType.FLOAT);
        assertEquals(2, b.batchesPerEpoch());
        Map<String, INDArray> first = b.batch(0, 0);
        assertEquals(16, first.get(Bert.INPUT_IDS).size(1), "[CLS] + 5 words + [SEP] = 7, rounded up to 16");
        assertEquals(4 + 7, first.get(Bert.ATTENTION_MASK).sumNumber().intValue());
        assertEquals(tok.vocabulary().padId(), first.get(Bert.INPUT_IDS).getInt(0, 6));
        assertEquals(tok.vocabulary().padId(), first.get(Bert.INPUT_IDS).getInt(1, 15));
        assertEquals(1, b.batch(0, 1).get(Bert.LABELS).length());
        ClassificationBatches capped = new ClassificationBatches(data, tok, 5, 2, false, 0, DataType.FLOAT);
        assertEquals(5, capped.batch(0, 0).get(Bert.INPUT_IDS).size(1), "never beyond maxLen");
        ClassificationBatches reading = ClassificationBatches.forReading(data, tok, 64, 4, DataType.FLOAT);
        assertEquals(4, reading.longest(), "cut at the position table when it is shorter than maxLen");
        assertEquals(4, reading.batch(0, 0).get(Bert.INPUT_IDS).size(1), "and never padded past it");
        assertEquals(3, ClassificationBatches.forReading(data, tok, 3, 4, DataType.FLOAT).longest(),
                "cut at maxLen when it is shorter than the table");
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> reading.batch(0, 1));
        assertTrue(e.getMessage().contains("batch 1 of an epoch of 1 batches"), e.getMessage());
    }

    /**
     * Grouped by length: every example once an epoch, in a seeded order that changes between epochs; within each
     * megabatch the batches run from the longest texts to the shortest; and far fewer padded positions than random
     * batches of the same texts.
     */
    @Test
    void batchesGroupedByLengthSeeEveryExampleOnceWithLessPadding() {
        BertTokenizer tok = tokenizer();
        List<LabelledText> data = new ArrayList<>();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 700; i++) {
            StringBuilder t = new StringBuilder("the");
            int words = 1 + (r.nextInt(10) == 0 ? 40 + r.nextInt(20) : r.nextInt(12));   // a few long texts
            for (int w = 0; w < words; w++) t.append(" fox");
            data.add(new LabelledText(t.toString(), i % 2));
        }
        int batch = 4;   // megabatches of 200 examples: 3 full and one of 100
        ClassificationBatches grouped = new ClassificationBatches(data, tok, 128, batch, true, 9, DataType.FLOAT,
                Integer.MAX_VALUE, true);
        ClassificationBatches random = new ClassificationBatches(data, tok, 128, batch, true, 9, DataType.FLOAT);
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] seen = new int[data.size()];
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < grouped.batchesPerEpoch(); i++) for (int ex : grouped.members(epoch, i)) {
                seen[ex]++;
                order.add(ex);
            }
            for (int c : seen) assertEquals(1, c, "every example once in epoch " + epoch);
            // within a batch, lengths are contiguous in some megabatch's sorted order: the batch's lengths span
            // less than the whole range, and consecutive batches are not in length order (shuffled whole)
            int longestFirst = 0, batches = grouped.batchesPerEpoch();
            int[] prevLens = null;
            for (int i = 0; i < batches; i++) {
                int[] lens = IntStream.of(grouped.members(epoch, i))
                        .map(ex -> tok.encode(data.get(ex).text(), 128).length).toArray();
                for (int k = 1; k < lens.length; k++) assertTrue(lens[k - 1] >= lens[k], "longest first within a batch");
                if (prevLens != null && prevLens[prevLens.length - 1] >= lens[0]) longestFirst++;
                prevLens = lens;
            }
            assertTrue(longestFirst < 0.8 * (batches - 1), "batches shuffled, not run from longest to shortest: "
                    + longestFirst + " of " + (batches - 1) + " in descending order");
            long g = grouped.paddedTokens(epoch), rnd = random.paddedTokens(epoch);
            assertTrue(g < 0.8 * rnd, "padded positions grouped " + g + " vs random " + rnd);
        }
        assertNotEquals(List.of(grouped.members(0, 0)[0]), List.of(grouped.members(1, 0)[0]),
                "another order in the next epoch");
        assertThrows(IllegalArgumentException.class, () -> new ClassificationBatches(data, tok, 128, batch, false, 9,
                DataType.FLOAT, Integer.MAX_VALUE, true));
    }
}
