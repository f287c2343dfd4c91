package dev.recipe.zoo.data;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.recipe.text.Tokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.train.BatchSource;
import dev.recipe.train.EpochPermutation;
import dev.recipe.zoo.bert.Bert;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled sentences as classification batches ({@code input_ids}, {@code attention_mask}, {@code labels}), each
 * batch padded only to its own longest sequence (at most {@code maxLen}); padding is masked, so the result equals
 * padding every example to maxLen. Shuffled per epoch with a seeded permutation when {@code shuffle}; the final
 * partial batch is kept (evaluation must see every example).
 *
 * <p>With {@code groupByLength} (and {@code shuffle}), each epoch's permutation is cut into megabatches of
 * {@value #MEGABATCH} batches and each megabatch is sorted by length, longest first, before it is cut into batches,
 * as HuggingFace's {@code LengthGroupedSampler} does ({@code group_by_length}): batches hold texts of similar length,
 * so less of each is padding, and the epoch still sees every example once in a seeded order. Unlike HuggingFace, the
 * full batches are then shuffled (a second seeded permutation; the partial batch stays last), as bucketing iterators
 * do: on a small training set one megabatch is the whole epoch (1,000 texts, batch 32), and HuggingFace's order would
 * run every epoch from the longest texts to the shortest, with the lowest learning rates always on the shortest.
 */
public final class ClassificationBatches implements BatchSource {
    private final int[][] ids;
    private final int[] labels;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final DataType dataType;
    private final int pad;
    private final int maxLen;
    private final int positions;
    private final boolean groupByLength;

    /** Batches per megabatch when grouping by length (HuggingFace's {@code megabatch_mult}). */
    public static final int MEGABATCH = 50;

    public ClassificationBatches(List<LabelledText> data, Tokenizer tok, int maxLen, int batchSize,
                                 boolean shuffle, long seed, DataType dt) {
        this(data, tok, maxLen, batchSize, shuffle, seed, dt, Integer.MAX_VALUE);
    }

    /**
     * @param positions the longest sequence the model holds ({@code BertConfig.maxTokens()}): a batch is never padded
     *                  past it (the rounding to a multiple of 16 stops there); {@link #longest()} tells whether a
     *                  text itself is longer
     */
    public ClassificationBatches(List<LabelledText> data, Tokenizer tok, int maxLen, int batchSize,
                                 boolean shuffle, long seed, DataType dt, int positions) {
        this(data, tok, maxLen, batchSize, shuffle, seed, dt, positions, false);
    }

    /** @param groupByLength batches of texts of similar length (needs {@code shuffle}; see the class comment) */
    public ClassificationBatches(List<LabelledText> data, Tokenizer tok, int maxLen, int batchSize,
                                 boolean shuffle, long seed, DataType dt, int positions, boolean groupByLength) {
        if (data.isEmpty()) throw new IllegalArgumentException("no examples");
        if (groupByLength && !shuffle) throw new IllegalArgumentException("groupByLength needs shuffled batches");
        this.ids = new int[data.size()][];
        this.labels = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            ids[i] = tok.encode(data.get(i).text(), maxLen);
            labels[i] = data.get(i).label();
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dataType = dt;
        this.pad = tok.padId();
        this.maxLen = maxLen;
        this.positions = positions;
        this.groupByLength = groupByLength;
    }

    /**
     * Unshuffled batches of 64 for reading a model's activations (no training, no error on long texts): each text is
     * cut at {@code maxLen} or at what the model's position table holds ({@code positions}, i.e.
     * {@code BertConfig.maxTokens()}), whichever is shorter, as a tokenizer's {@code model_max_length} does.
     * Fine-tuning and prediction use the constructor instead and refuse a text the table cannot hold.
     */
    public static ClassificationBatches forReading(List<LabelledText> data, Tokenizer tok, int maxLen, int positions,
                                                   DataType dt) {
        return new ClassificationBatches(data, tok, Math.min(maxLen, positions), 64, false, 0, dt, positions);
    }

    /** Tokens of the longest example (special tokens included, cut at maxLen). */
    public int longest() {
        int n = 0;
        for (int[] row : ids) n = Math.max(n, row.length);
        return n;
    }

    public int size() {
        return ids.length;
    }

    @Override
    public int batchesPerEpoch() {
        return (ids.length + batchSize - 1) / batchSize;
    }

    /** Example indices of batch (epoch, index). */
    public int[] members(int epoch, int index) {
        if (index < 0 || index >= batchesPerEpoch()) {
            throw new IndexOutOfBoundsException("batch " + index + " of an epoch of " + batchesPerEpoch() + " batches ("
                    + ids.length + " examples, " + batchSize + " a batch)");
        }
        int[] order = shuffle ? order(epoch) : null;
        int from = index * batchSize;
        int to = Math.min(ids.length, from + batchSize);
        int[] m = new int[to - from];
        for (int i = from; i < to; i++) m[i - from] = order == null ? i : order[i];
        return m;
    }

    /** The epoch's example order: the seeded permutation, grouped by length (and whole batches shuffled) when asked. */
    private int[] order(int epoch) {
        int[] order = EpochPermutation.of(seed, epoch, ids.length);
        if (!groupByLength) return order;
        int mega = MEGABATCH * batchSize;
        for (int from = 0; from < order.length; from += mega) {
            int to = Math.min(order.length, from + mega);
            // stable: texts of equal length keep their permuted order
            int[] sorted = IntStream.of(Arrays.copyOfRange(order, from, to)).boxed()
                    .sorted(Comparator.comparingInt((Integer ex) -> ids[ex].length).reversed())
                    .mapToInt(Integer::intValue).toArray();
            System.arraycopy(sorted, 0, order, from, sorted.length);
        }
        int full = order.length / batchSize;
        int[] batches = EpochPermutation.of(~seed, epoch, full);
        int[] shuffled = order.clone();
        for (int b = 0; b < full; b++) {
            System.arraycopy(order, batches[b] * batchSize, shuffled, b * batchSize, batchSize);
        }
        return shuffled;
    }

    /** Token positions the epoch's batches hold, padding included (what a forward pass over them costs). */
    public long paddedTokens(int epoch) {
        long n = 0;
        for (int i = 0; i < batchesPerEpoch(); i++) {
            int[] m = members(epoch, i);
            n += (long) paddedLength(m) * m.length;
        }
        return n;
    }

    private int paddedLength(int[] members) {
        int len = 0;
        for (int ex : members) len = Math.max(len, ids[ex].length);
        // round up to a multiple of 16 (at most maxLen): a handful of distinct shapes lets the allocator reuse freed
        // blocks; with a new shape every batch, jemalloc's retained pages grew past 11 GB in 150 steps
        return Math.max(len, Math.min(Math.min(maxLen, positions), (len + 15) / 16 * 16));
    }

    @Override
    public Map<String, INDArray> batch(int epoch, int index) {
        int[] m = members(epoch, index);
        int len = paddedLength(m);
        int[][] bIds = new int[m.length][len];
        float[][] bAtt = new float[m.length][len];
        int[] bLab = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            int[] row = ids[m[i]];
            for (int j = 0; j < len; j++) {
                bIds[i][j] = j < row.length ? row[j] : pad;
                bAtt[i][j] = j < row.length ? 1f : 0f;
            }
            bLab[i] = labels[m[i]];
        }
        Map<String, INDArray> out = new HashMap<>();
        out.put(Bert.INPUT_IDS, Nd4j.createFromArray(bIds));
        out.put(Bert.ATTENTION_MASK, Nd4j.createFromArray(bAtt).castTo(dataType));
        out.put(Bert.LABELS, Nd4j.createFromArray(bLab));
        return out;
    }
}
