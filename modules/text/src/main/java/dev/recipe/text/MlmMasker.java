package dev.recipe.text;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Masked-language-model masking with the semantics of HuggingFace's {@code DataCollatorForLanguageModeling}
 * ({@code torch_mask_tokens}): every position that is neither a special token ({@code all_special_ids}: [PAD] [UNK]
 * [CLS] [SEP] [MASK]) nor padding (attention 0) is selected with probability {@code mlmProbability} (0.15); a selected
 * position becomes [MASK] with probability {@code maskReplaceProb} (0.8), a token id drawn uniformly from
 * {@code [0, vocabSize)} with probability {@code randomReplaceProb} (0.1; HF draws over the whole vocabulary, specials
 * included), and stays unchanged otherwise. The labels are the original ids at the selected positions.
 *
 * <p>Deterministic: the same ids, mask and seed give the same result. Random numbers come from
 * {@link SplittableRandom}, so results are reproducible in Java but not bit-equal to PyTorch's generator.
 */
public final class MlmMasker {
    private final int vocabSize;
    private final int maskId;
    private final boolean[] special;
    private final double mlmProbability;
    private final double maskReplaceProb;
    private final double randomReplaceProb;

    /** HF defaults: 15% selected, 80% [MASK] / 10% random / 10% unchanged. */
    public MlmMasker(Vocabulary vocab) {
        this(vocab, 0.15, 0.8, 0.1);
    }

    /**
     * @param mlmProbability HF {@code mlm_probability}
     * @param maskReplaceProb HF {@code mask_replace_prob}: share of the selected positions set to [MASK]
     * @param randomReplaceProb HF {@code random_replace_prob}: share set to a random id (the rest stay unchanged)
     */
    public MlmMasker(Vocabulary vocab, double mlmProbability, double maskReplaceProb, double randomReplaceProb) {
        this(vocab.requireSpecials().size(), vocab.maskId(), specialIdsOf(vocab), mlmProbability, maskReplaceProb,
                randomReplaceProb);
    }

    /** HF defaults for any {@link Tokenizer}: its {@link Tokenizer#specialIds} are never selected. */
    public MlmMasker(Tokenizer tokenizer) {
        this(tokenizer, 0.15, 0.8, 0.1);
    }

    /** As {@link #MlmMasker(Vocabulary, double, double, double)}, with the tokenizer's vocabulary and special ids. */
    public MlmMasker(Tokenizer tokenizer, double mlmProbability, double maskReplaceProb, double randomReplaceProb) {
        this(tokenizer.vocabSize(), tokenizer.maskId(), tokenizer.specialIds(), mlmProbability, maskReplaceProb,
                randomReplaceProb);
    }

    private static int[] specialIdsOf(Vocabulary vocab) {
        int[] ids = new int[Vocabulary.SPECIALS.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = vocab.id(Vocabulary.SPECIALS.get(i));
        return ids;
    }

    private MlmMasker(int vocabSize, int maskId, int[] specialIds, double mlmProbability, double maskReplaceProb,
            double randomReplaceProb) {
        if (!(mlmProbability >= 0 && mlmProbability <= 1)) throw new IllegalArgumentException("mlmProbability not in [0,1]: " + mlmProbability);
        if (!(maskReplaceProb >= 0 && randomReplaceProb >= 0 && maskReplaceProb + randomReplaceProb <= 1)) {
            throw new IllegalArgumentException("need maskReplaceProb, randomReplaceProb >= 0 with sum <= 1: "
                    + maskReplaceProb + ", " + randomReplaceProb);
        }
        this.vocabSize = vocabSize;
        this.maskId = maskId;
        this.special = new boolean[vocabSize];
        for (int id : specialIds) special[id] = true;
        this.mlmProbability = mlmProbability;
        this.maskReplaceProb = maskReplaceProb;
        this.randomReplaceProb = randomReplaceProb;
    }

    /**
     * The seed for one example's mask: a mix of {@code baseSeed}, {@code exampleIndex} and, only in
     * {@link MaskingMode#DYNAMIC}, {@code epoch}, so a {@link MaskingMode#STATIC} mask is the same in every epoch and
     * independent of batching and shuffling. Use with {@link #maskRows}.
     */
    public static long seedFor(long baseSeed, MaskingMode mode, int epoch, int exampleIndex) {
        long e = mode == MaskingMode.STATIC ? 0 : epoch + 1L;
        return mix(mix(mix(baseSeed) ^ e) ^ (exampleIndex & 0xFFFFFFFFL));
    }

    /** Masks a batch with one random stream for the whole batch, row-major. Inputs are not modified. */
    public MaskedBatch mask(int[][] ids, int[][] attn, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return maskWith(ids, attn, row -> rng);
    }

    /** Masks row {@code b} with its own stream {@code new SplittableRandom(rowSeeds[b])}, e.g. from {@link #seedFor}. */
    public MaskedBatch maskRows(int[][] ids, int[][] attn, long[] rowSeeds) {
        if (rowSeeds.length != ids.length) {
            throw new IllegalArgumentException("need one seed per row: " + rowSeeds.length + " seeds, " + ids.length + " rows");
        }
        return maskWith(ids, attn, row -> new SplittableRandom(rowSeeds[row]));
    }

    private interface RowRandom { SplittableRandom forRow(int row); }

    private MaskedBatch maskWith(int[][] ids, int[][] attn, RowRandom rowRandom) {
        checkShapes(ids, attn);
        int seqLen = ids.length == 0 ? 0 : ids[0].length;
        int[][] out = new int[ids.length][];
        int[] index = new int[16];
        int[] label = new int[16];
        int n = 0;
        for (int b = 0; b < ids.length; b++) {
            SplittableRandom rng = rowRandom.forRow(b);
            out[b] = ids[b].clone();
            for (int j = 0; j < seqLen; j++) {
                int id = ids[b][j];
                if (attn[b][j] == 0 || special[id] || rng.nextDouble() >= mlmProbability) continue;
                if (n == index.length) {
                    index = Arrays.copyOf(index, n * 2);
                    label = Arrays.copyOf(label, n * 2);
                }
                index[n] = b * seqLen + j;
                label[n++] = id;
                double r = rng.nextDouble();
                if (r < maskReplaceProb) {
                    out[b][j] = maskId;
                } else if (r < maskReplaceProb + randomReplaceProb) {
                    out[b][j] = rng.nextInt(vocabSize);
                }
            }
        }
        int[][] attnCopy = new int[attn.length][];
        for (int b = 0; b < attn.length; b++) attnCopy[b] = attn[b].clone();
        return new MaskedBatch(out, attnCopy, Arrays.copyOf(index, n), Arrays.copyOf(label, n));
    }

    private void checkShapes(int[][] ids, int[][] attn) {
        if (ids.length != attn.length) throw new IllegalArgumentException("ids has " + ids.length + " rows, attention mask " + attn.length);
        int seqLen = ids.length == 0 ? 0 : ids[0].length;
        for (int b = 0; b < ids.length; b++) {
            if (ids[b].length != seqLen || attn[b].length != seqLen) {
                throw new IllegalArgumentException("row " + b + " has length " + ids[b].length + " / mask " + attn[b].length
                        + ", expected " + seqLen + " for both");
            }
            for (int id : ids[b]) {
                if (id < 0 || id >= vocabSize) throw new IllegalArgumentException("row " + b + ": id " + id + " outside [0, " + vocabSize + ")");
            }
        }
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
