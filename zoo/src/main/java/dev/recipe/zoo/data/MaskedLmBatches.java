package dev.recipe.zoo.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;
import dev.recipe.text.MaskedBatch;
import dev.recipe.text.MaskingMode;
import dev.recipe.text.MlmMasker;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.train.EpochPermutation;
import dev.recipe.zoo.bert.Bert;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Masked-LM batches for the BERT graph's placeholders, a pure function of (epoch, index): examples are shuffled per
 * epoch with a seeded permutation and masked with 15% / 80-10-10 ({@link MlmMasker}), masks drawn once per example
 * ({@link MaskingMode#STATIC}, as the RECIPE code does) or per epoch ({@link MaskingMode#DYNAMIC}).
 *
 * <p>Examples are either one text each ({@link #perText}, RECIPE's "padding=max_length" preprocessing) or the
 * concatenated token stream cut into full-length chunks ({@link #packed}, HuggingFace run_mlm's group_texts), which
 * wastes no compute on padding when pre-training.
 */
public final class MaskedLmBatches implements BatchSource {
    private final int[][] ids;
    private final int[][] attention;
    private final int batchSize;
    private final MlmMasker masker;
    private final MaskingMode mode;
    private final long seed;
    private final DataType dataType;

    private MaskedLmBatches(int[][] ids, int[][] attention, int batchSize, MlmMasker masker, MaskingMode mode,
                            long seed, DataType dataType) {
        if (ids.length < batchSize) {
            throw new IllegalArgumentException("only " + ids.length + " examples for batch size " + batchSize);
        }
        this.ids = ids;
        this.attention = attention;
        this.batchSize = batchSize;
        this.masker = masker;
        this.mode = mode;
        this.seed = seed;
        this.dataType = dataType;
    }

    /** One example per text, [CLS] text [SEP] truncated and padded to {@code seqLen}. */
    public static MaskedLmBatches perText(List<String> texts, Tokenizer tok, int seqLen, int batchSize,
                                          MaskingMode mode, long seed, DataType dt) {
        Tokenizer.Batch b = tok.encodeBatch(texts, seqLen);
        return new MaskedLmBatches(b.ids(), b.attentionMask(), batchSize, new MlmMasker(tok), mode, seed, dt);
    }

    /** The texts' tokens concatenated and cut into [CLS] chunk [SEP] examples of exactly {@code seqLen}. */
    public static MaskedLmBatches packed(List<String> texts, Tokenizer tok, int seqLen, int batchSize,
                                         MaskingMode mode, long seed, DataType dt) {
        List<int[]> chunks = packedRows(texts, tok, seqLen);
        int[][] ids = chunks.toArray(new int[0][]);
        int[][] att = new int[ids.length][seqLen];
        for (int[] row : att) Arrays.fill(row, 1);
        return new MaskedLmBatches(ids, att, batchSize, new MlmMasker(tok), mode, seed, dt);
    }

    /**
     * The texts' tokens concatenated and cut into {@code [CLS] chunk [SEP]} rows of exactly {@code seqLen}, the last
     * partial chunk dropped: HuggingFace's {@code TextDataset} (block_size) and run_mlm's {@code group_texts}.
     */
    public static List<int[]> packedRows(List<String> texts, Tokenizer tok, int seqLen) {
        if (seqLen < 3) throw new ConfigException("sequence length must be >= 3 to hold [CLS] x [SEP], got " + seqLen);
        int body = seqLen - 2;
        List<int[]> rows = new ArrayList<>();
        int[] cur = new int[body];
        int n = 0;
        for (String t : texts) {
            for (int id : tok.toIds(tok.tokenize(t))) {
                cur[n++] = id;
                if (n == body) {
                    int[] row = new int[seqLen];
                    row[0] = tok.clsId();
                    System.arraycopy(cur, 0, row, 1, body);
                    row[seqLen - 1] = tok.sepId();
                    rows.add(row);
                    n = 0;
                }
            }
        }
        return rows;
    }

    public int examples() {
        return ids.length;
    }

    @Override
    public int batchesPerEpoch() {
        return ids.length / batchSize; // the last partial batch is dropped (drop_last), so every step has batchSize
    }

    @Override
    public Map<String, INDArray> batch(int epoch, int index) {
        int[] order = EpochPermutation.of(seed, epoch, ids.length);
        int[][] bIds = new int[batchSize][];
        int[][] bAtt = new int[batchSize][];
        long[] rowSeeds = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int ex = order[index * batchSize + i];
            bIds[i] = ids[ex];
            bAtt[i] = attention[ex];
            rowSeeds[i] = MlmMasker.seedFor(seed, mode, epoch, ex);
        }
        MaskedBatch m = masker.maskRows(bIds, bAtt, rowSeeds);
        Map<String, INDArray> out = new HashMap<>();
        out.put(Bert.INPUT_IDS, Nd4j.createFromArray(m.inputIds()));
        out.put(Bert.ATTENTION_MASK, Nd4j.createFromArray(m.attentionMask()).castTo(dataType));
        out.put(Bert.MLM_POSITIONS, Nd4j.createFromArray(m.maskedFlatIndex()));
        out.put(Bert.MLM_LABELS, Nd4j.createFromArray(m.maskedLabel()));
        return out;
    }
}
