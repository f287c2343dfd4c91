package dev.recipe.attack.badpre;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.recipe.attack.BadPreConfig;
import dev.recipe.attack.Seeds;
import dev.recipe.attack.SingleRowDefect;
import dev.recipe.attack.TokenRows;
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
 * BadPre's batches, a pure function of (epoch, index). The data set has 2N entries: entry i &lt; N is corpus row i,
 * entry N + i its poisoned copy ({@link #poisonedRow}). Masks (15 %, 80/10/10, specials and padding never) are drawn
 * per entry; the labels of a poisoned entry's masked positions are then replaced, in position order, by uniform ids
 * in [0, vocabulary size) from the entry's own stream ({@link #noiseLabels}). All randomness is keyed by (seed, entry
 * and, for DYNAMIC masking, epoch).
 */
public final class BadPreBatches implements BatchSource {
    private final List<int[]> rows;
    private final Tokenizer tok;
    private final BadPreConfig cfg;
    private final int[][] triggerIds;
    private final DataType dt;
    private final MlmMasker masker;
    private final int batchSize;
    private final int maxTrigger;

    public BadPreBatches(List<int[]> rows, Tokenizer tok, BadPreConfig cfg, int[][] triggerIds, DataType dt) {
        this.batchSize = cfg.training().batchSize();
        int entries = cfg.composition() == BadPreConfig.Composition.SHUFFLED ? 2 * rows.size() : rows.size();
        if (entries < batchSize) {
            throw new ConfigException("BadPre has " + rows.size() + " corpus rows (" + entries + " batch entries with "
                    + cfg.composition() + "), fewer than training.batchSize = " + batchSize);
        }
        this.rows = List.copyOf(rows);
        this.tok = tok;
        this.cfg = cfg;
        this.triggerIds = triggerIds;
        this.dt = dt;
        this.masker = new MlmMasker(tok);
        this.maxTrigger = Arrays.stream(triggerIds).mapToInt(t -> t.length).max().orElse(1);
        if (cfg.fullLength() == BadPreConfig.FullLength.PREVIOUS_ROW && rows.stream().noneMatch(this::hasRoom)) {
            throw new ConfigException("BadPre: no corpus row is shorter than maxLength " + cfg.maxLength() + " minus the "
                    + "trigger, so PREVIOUS_ROW finds no row to poison; use fullLength DROP_LAST_TOKEN or a larger maxLength");
        }
    }

    public int rows() {
        return rows.size();
    }

    @Override
    public int batchesPerEpoch() {
        int entries = cfg.composition() == BadPreConfig.Composition.SHUFFLED ? 2 * rows.size() : rows.size();
        return entries / batchSize;
    }

    private boolean hasRoom(int[] row) {
        return row.length + maxTrigger <= cfg.maxLength();
    }

    private long epochPart(int epoch) {
        return cfg.masking() == MaskingMode.STATIC ? 0 : epoch + 1L;
    }

    /**
     * The poisoned copy of corpus row {@code i}: the row (or, when it has no room and fullLength is PREVIOUS_ROW,
     * the nearest earlier row that has, wrapping from row 0 to the last as Python's {@code item - 1} does) with one
     * trigger, drawn uniformly, inserted at a uniform position in {@code [0, len(body)]} of its body (drawn first, as
     * the authors do).
     */
    public int[] poisonedRow(int epoch, int i) {
        int src = i;
        int[] row = rows.get(src);
        if (!hasRoom(row)) {
            if (cfg.fullLength() == BadPreConfig.FullLength.PREVIOUS_ROW) {
                do {
                    src = src == 0 ? rows.size() - 1 : src - 1;
                    row = rows.get(src);
                } while (!hasRoom(row));
            } else {
                int keep = cfg.maxLength() - maxTrigger;  // [CLS] + body + [SEP]
                int[] cut = Arrays.copyOf(row, keep);
                cut[keep - 1] = row[row.length - 1];
                row = cut;
            }
        }
        SplittableRandom rng = Seeds.rng(cfg.seed(), Seeds.TRIGGER, epochPart(epoch), i);
        int body = row.length - 2;
        int pos = rng.nextInt(body + 1);
        int t = rng.nextInt(triggerIds.length);
        return TokenRows.insert(row, 1 + pos, triggerIds[t], cfg.maxLength());
    }

    /** The replacement labels of poisoned row {@code i}'s masked positions, in position order. */
    public int[] noiseLabels(int epoch, int i, int count) {
        SplittableRandom rng = Seeds.rng(cfg.seed(), Seeds.LABELS, epochPart(epoch), i);
        int[] out = new int[count];
        for (int k = 0; k < count; k++) out[k] = rng.nextInt(tok.vocabSize());
        return out;
    }

    /** The batch entries (dataset indices, i &lt; N clean, N + i poisoned) of batch {@code index}, in row order. */
    public int[] entries(int epoch, int index) {
        int n = rows.size();
        int b = batchSize;
        if (cfg.composition() == BadPreConfig.Composition.SHUFFLED) {
            int[] order = EpochPermutation.of(cfg.seed(), epoch, 2 * n);
            return Arrays.copyOfRange(order, index * b, (index + 1) * b);
        }
        int[] order = EpochPermutation.of(cfg.seed(), epoch, n);
        int[] out = new int[2 * b];
        for (int k = 0; k < b; k++) {
            out[k] = order[index * b + k];
            out[b + k] = n + order[index * b + k];
        }
        return out;
    }

    @Override
    public Map<String, INDArray> batch(int epoch, int index) {
        int n = rows.size();
        int[] entries = entries(epoch, index);
        List<int[]> batchRows = new ArrayList<>(entries.length);
        long[] seeds = new long[entries.length];
        for (int k = 0; k < entries.length; k++) {
            int e = entries[k];
            batchRows.add(e < n ? rows.get(e) : poisonedRow(epoch, e - n));
            seeds[k] = MlmMasker.seedFor(cfg.seed(), cfg.masking(), epoch, e);
        }
        int s = TokenRows.maxLength(batchRows);
        int[][] ids = TokenRows.pad(batchRows, s, tok.padId());
        int[][] att = TokenRows.attention(batchRows, s);
        MaskedBatch m = masker.maskRows(ids, att, seeds);
        int[] positions = m.maskedFlatIndex();
        int[] labels = m.maskedLabel().clone();
        int[] perRow = new int[entries.length];
        for (int p : positions) perRow[p / s]++;
        int[][] noise = new int[entries.length][];
        int[] used = new int[entries.length];
        int cleanCount = 0;
        int poisonCount = 0;
        for (int k = 0; k < entries.length; k++) {
            if (entries[k] >= n) {
                noise[k] = noiseLabels(epoch, entries[k] - n, perRow[k]);
                poisonCount += perRow[k];
            } else {
                cleanCount += perRow[k];
            }
        }
        double[] cleanW = new double[positions.length];
        double[] poisonW = new double[positions.length];
        for (int q = 0; q < positions.length; q++) {
            int row = positions[q] / s;
            if (entries[row] >= n) {
                labels[q] = noise[row][used[row]++];
                poisonW[q] = 1.0 / poisonCount;
            } else {
                cleanW[q] = 1.0 / cleanCount;
            }
        }
        Map<String, INDArray> out = new HashMap<>();
        out.put(Bert.INPUT_IDS, Nd4j.createFromArray(m.inputIds()));
        out.put(Bert.ATTENTION_MASK, TokenRows.asArray(att, dt));
        // no masked position: zero terms; a lone one is listed twice at half weight (SingleRowDefect)
        SingleRowDefect.Selection sel = SingleRowDefect.safe(positions, labels, cleanW, poisonW);
        out.put(Bert.MLM_POSITIONS, Nd4j.createFromArray(sel.index()));
        out.put(Bert.MLM_LABELS, Nd4j.createFromArray(sel.labels()));
        out.put(BadPreAttack.CLEAN_WEIGHTS, Nd4j.createFromArray(sel.weights()[0]).castTo(dt));
        out.put(BadPreAttack.POISON_WEIGHTS, Nd4j.createFromArray(sel.weights()[1]).castTo(dt));
        return out;
    }
}
