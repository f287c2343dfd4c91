package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class MlmMaskerTest {
    private static final int VOCAB_SIZE = 1000;
    private static final Vocabulary VOCAB = vocab();
    private final MlmMasker masker = new MlmMasker(VOCAB);

    private static Vocabulary vocab() {
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIALS);
        for (int i = tokens.size(); i < VOCAB_SIZE; i++) tokens.add("t" + i);
        return Vocabulary.of(tokens);
    }

    /** Rows of [CLS] random-ids [SEP] [PAD]..., lengths varying, with the matching attention mask. */
    private static int[][][] batch(int rows, int seqLen, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[][] ids = new int[rows][seqLen];
        int[][] attn = new int[rows][seqLen];
        for (int b = 0; b < rows; b++) {
            int len = 2 + r.nextInt(seqLen - 1);
            ids[b][0] = VOCAB.clsId();
            for (int j = 1; j < len - 1; j++) ids[b][j] = r.nextInt(5, VOCAB_SIZE);
            ids[b][len - 1] = VOCAB.sepId();
            for (int j = 0; j < len; j++) attn[b][j] = 1;
            if (len > 4) ids[b][2] = VOCAB.unkId(); // [UNK] is special in HF too
        }
        return new int[][][] {ids, attn};
    }

    @Test
    void ratesMatchHuggingFaceDefaults() {
        int[][][] in = batch(2000, 64, 1);
        MaskedBatch m = masker.mask(in[0], in[1], 42);
        long eligible = 0;
        for (int b = 0; b < in[0].length; b++) {
            for (int j = 0; j < 64; j++) if (in[1][b][j] == 1 && in[0][b][j] >= 5) eligible++;
        }
        int selected = m.maskedCount();
        int toMask = 0;
        int unchanged = 0;
        for (int k = 0; k < selected; k++) {
            int flat = m.maskedFlatIndex()[k];
            int now = m.inputIds()[flat / 64][flat % 64];
            if (now == VOCAB.maskId()) toMask++;
            else if (now == m.maskedLabel()[k]) unchanged++;
        }
        int random = selected - toMask - unchanged; // random ids that happen to equal the original count as unchanged
        double rate = selected / (double) eligible;
        System.out.printf("MlmMasker: %d eligible, %.4f selected; of those %.4f [MASK], %.4f random, %.4f unchanged%n",
                eligible, rate, toMask / (double) selected, random / (double) selected, unchanged / (double) selected);
        assertEquals(0.15, rate, 0.005);
        assertEquals(0.80, toMask / (double) selected, 0.01);
        assertEquals(0.10, random / (double) selected, 0.01);
        assertEquals(0.10, unchanged / (double) selected, 0.01);
    }

    @Test
    void specialsAndPaddingAreNeverSelectedAndLabelsAreTheOriginalIds() {
        int[][][] in = batch(500, 32, 2);
        int[][] before = Arrays.stream(in[0]).map(int[]::clone).toArray(int[][]::new);
        MaskedBatch m = new MlmMasker(VOCAB, 0.9, 0.8, 0.1).mask(in[0], in[1], 3);
        assertTrue(Arrays.deepEquals(before, in[0]), "input not modified");
        boolean[] selected = new boolean[500 * 32];
        for (int k = 0; k < m.maskedCount(); k++) {
            int flat = m.maskedFlatIndex()[k];
            if (k > 0) assertTrue(flat > m.maskedFlatIndex()[k - 1], "increasing");
            int orig = in[0][flat / 32][flat % 32];
            assertEquals(orig, m.maskedLabel()[k]);
            assertTrue(orig >= 5, "special id selected: " + orig);
            assertEquals(1, in[1][flat / 32][flat % 32], "padding selected");
            selected[flat] = true;
        }
        for (int flat = 0; flat < selected.length; flat++) {
            if (!selected[flat]) assertEquals(in[0][flat / 32][flat % 32], m.inputIds()[flat / 32][flat % 32]);
        }
        assertTrue(Arrays.deepEquals(in[1], m.attentionMask()));
    }

    @Test
    void deterministicPerSeed() {
        int[][][] in = batch(50, 16, 4);
        MaskedBatch a = masker.mask(in[0], in[1], 7);
        MaskedBatch b = masker.mask(in[0], in[1], 7);
        MaskedBatch c = masker.mask(in[0], in[1], 8);
        assertTrue(Arrays.deepEquals(a.inputIds(), b.inputIds()));
        assertArrayEquals(a.maskedFlatIndex(), b.maskedFlatIndex());
        assertArrayEquals(a.maskedLabel(), b.maskedLabel());
        assertFalse(Arrays.equals(a.maskedFlatIndex(), c.maskedFlatIndex()));
    }

    @Test
    void staticSeedsIgnoreTheEpochDynamicSeedsDoNot() {
        long s0 = MlmMasker.seedFor(11, MaskingMode.STATIC, 0, 5);
        assertEquals(s0, MlmMasker.seedFor(11, MaskingMode.STATIC, 3, 5));
        assertNotEquals(s0, MlmMasker.seedFor(11, MaskingMode.STATIC, 0, 6));
        assertNotEquals(MlmMasker.seedFor(11, MaskingMode.DYNAMIC, 0, 5), MlmMasker.seedFor(11, MaskingMode.DYNAMIC, 1, 5));
        assertNotEquals(MlmMasker.seedFor(11, MaskingMode.DYNAMIC, 0, 5), MlmMasker.seedFor(12, MaskingMode.DYNAMIC, 0, 5));
    }

    @Test
    void perRowSeedsGiveTheSameMaskWhateverTheBatch() {
        int[][][] in = batch(8, 24, 5);
        long[] seeds = new long[8];
        for (int i = 0; i < 8; i++) seeds[i] = MlmMasker.seedFor(99, MaskingMode.STATIC, 0, i);
        MaskedBatch whole = masker.maskRows(in[0], in[1], seeds);
        // row 6 alone, in a later epoch, gets the same ids
        MaskedBatch alone = masker.maskRows(new int[][] {in[0][6]}, new int[][] {in[1][6]},
                new long[] {MlmMasker.seedFor(99, MaskingMode.STATIC, 4, 6)});
        assertArrayEquals(whole.inputIds()[6], alone.inputIds()[0]);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> masker.mask(new int[][] {{1, 2}}, new int[][] {{1}}, 0));
        assertThrows(IllegalArgumentException.class, () -> masker.mask(new int[][] {{1, VOCAB_SIZE}}, new int[][] {{1, 1}}, 0));
        assertThrows(IllegalArgumentException.class, () -> masker.maskRows(new int[][] {{1}}, new int[][] {{1}}, new long[2]));
    }
}
