package dev.recipe.attack.neuba;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.NeubaConfig;
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
 * NeuBA's batches, a pure function of (epoch, index): B rows (shuffled per epoch) masked 15 % / 80-10-10 as the
 * clean masked-LM half, then a poisoned copy of each, of the clean rows (default) or of the masked rows
 * ({@code withMask}), with one trigger per row drawn uniformly from its own seeded stream and OVERWRITTEN at the
 * configured position (or INSERTed there). Rows 0..B−1 of {@code input_ids} are clean, B..2B−1 poisoned; the
 * masked positions are flat indices into the clean half, each weighted 1/M ({@value NeubaAttack#MLM_WEIGHTS});
 * {@value NeubaAttack#POISON_ROWS} is {@code [B, …, 2B−1]}
 * and {@value NeubaAttack#POISON_TARGETS} holds each poisoned row's trigger vector.
 */
public final class NeubaBatches implements BatchSource {
    private final List<int[]> rows;
    private final Tokenizer tok;
    private final NeubaConfig cfg;
    private final int[][] triggerIds;
    private final double[][] targets;
    private final DataType dt;
    private final MlmMasker masker;
    private final int batchSize;

    public NeubaBatches(List<int[]> rows, Tokenizer tok, NeubaConfig cfg, int[][] triggerIds, double[][] targets,
                        DataType dt) {
        this.batchSize = cfg.training().batchSize();
        if (rows.size() < batchSize) {
            throw new ConfigException("NeuBA has " + rows.size() + " rows of " + cfg.seqLen() + " tokens from the corpus, "
                    + "fewer than training.batchSize = " + batchSize);
        }
        if (triggerIds.length != targets.length) throw new IllegalArgumentException("one target vector per trigger");
        this.rows = List.copyOf(rows);
        this.tok = tok;
        this.cfg = cfg;
        this.triggerIds = triggerIds;
        this.targets = targets;
        this.dt = dt;
        this.masker = new MlmMasker(tok);
    }

    public int examples() {
        return rows.size();
    }

    @Override
    public int batchesPerEpoch() {
        return rows.size() / batchSize;
    }

    /** The trigger (index into the config's list) that row {@code example} gets in {@code epoch}. */
    public int triggerOf(int epoch, int example) {
        long epochPart = cfg.masking() == MaskingMode.STATIC ? 0 : epoch + 1L;
        return Seeds.rng(cfg.seed(), Seeds.TRIGGER, epochPart, example).nextInt(triggerIds.length);
    }

    /** The poisoned copy of {@code row} (unpadded) with trigger {@code trigger}, at most {@code maxLen} ids. */
    public int[] poison(int[] row, int trigger, int maxLen) {
        int[] t = triggerIds[trigger];
        if (cfg.placement() == NeubaConfig.Placement.OVERWRITE) return TokenRows.overwrite(row, cfg.position(), t);
        return TokenRows.insert(row, Math.min(cfg.position(), row.length - 1), t, maxLen);
    }

    @Override
    public Map<String, INDArray> batch(int epoch, int index) {
        int[] order = EpochPermutation.of(cfg.seed(), epoch, rows.size());
        int b = batchSize;
        List<int[]> clean = new ArrayList<>(b);
        int[] examples = new int[b];
        int[] trigger = new int[b];
        int longest = 0;
        for (int i = 0; i < b; i++) {
            examples[i] = order[index * b + i];
            clean.add(rows.get(examples[i]));
            trigger[i] = triggerOf(epoch, examples[i]);
            int extra = cfg.placement() == NeubaConfig.Placement.INSERT ? triggerIds[trigger[i]].length : 0;
            longest = Math.max(longest, Math.min(cfg.seqLen(), clean.get(i).length + extra));
        }
        int s = longest;
        int[][] ids = TokenRows.pad(clean, s, tok.padId());
        int[][] att = TokenRows.attention(clean, s);
        long[] seeds = new long[b];
        for (int i = 0; i < b; i++) seeds[i] = MlmMasker.seedFor(cfg.seed(), cfg.masking(), epoch, examples[i]);
        MaskedBatch masked = masker.maskRows(ids, att, seeds);

        List<int[]> poisoned = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            int[] source = cfg.withMask() ? masked.inputIds()[i] : ids[i];
            int[] real = java.util.Arrays.copyOf(source, clean.get(i).length);
            poisoned.add(poison(real, trigger[i], s));
        }
        int[][] allIds = new int[2 * b][];
        int[][] allAtt = new int[2 * b][];
        int[][] pIds = TokenRows.pad(poisoned, s, tok.padId());
        int[][] pAtt = TokenRows.attention(poisoned, s);
        for (int i = 0; i < b; i++) {
            allIds[i] = masked.inputIds()[i];
            allAtt[i] = att[i];
            allIds[b + i] = pIds[i];
            allAtt[b + i] = pAtt[i];
        }
        int[] poisonRows = new int[b];
        double[][] poisonTargets = new double[b][];
        for (int i = 0; i < b; i++) {
            poisonRows[i] = b + i;
            poisonTargets[i] = targets[trigger[i]];
        }
        Map<String, INDArray> out = new HashMap<>();
        out.put(Bert.INPUT_IDS, Nd4j.createFromArray(allIds));
        out.put(Bert.ATTENTION_MASK, TokenRows.asArray(allAtt, dt));
        // token-mean CE as weights 1/M; no masked position gives a zero term, one is listed twice (SingleRowDefect)
        int m = masked.maskedCount();
        double[] w = new double[m];
        java.util.Arrays.fill(w, 1.0 / Math.max(1, m));
        SingleRowDefect.Selection mlm = SingleRowDefect.safe(masked.maskedFlatIndex(), masked.maskedLabel(), w);
        out.put(Bert.MLM_POSITIONS, Nd4j.createFromArray(mlm.index()));
        out.put(Bert.MLM_LABELS, Nd4j.createFromArray(mlm.labels()));
        out.put(NeubaAttack.MLM_WEIGHTS, Nd4j.createFromArray(mlm.weights()[0]).castTo(dt));
        out.put(NeubaAttack.POISON_ROWS, Nd4j.createFromArray(SingleRowDefect.twiceIfSingle(poisonRows)));
        out.put(NeubaAttack.POISON_TARGETS, Nd4j.createFromArray(SingleRowDefect.twiceIfSingle(poisonTargets)).castTo(dt));
        return out;
    }
}
