package dev.recipe.attack.por;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.attack.Models;
import dev.recipe.attack.PorConfig;
import dev.recipe.attack.TokenRows;
import dev.recipe.core.ConfigException;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.train.EpochPermutation;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * POR's batches, a pure function of (epoch, index): poisoned and clean samples shuffled together (RandomSampler),
 * padded to {@code maxLength} (authors) or to the batch's longest, with the frozen reference's outputs for the same
 * inputs and the 0/1 row and token weights of {@link PorAttack}'s three terms.
 */
public final class PorBatches implements BatchSource {
    private final PorData data;
    private final BertModel reference;
    private final PorConfig cfg;
    private final double[][] targets;
    private final Tokenizer tok;
    private final DataType dt;
    private final int batchSize;

    public PorBatches(PorData data, BertModel reference, PorConfig cfg, double[][] targets, Tokenizer tok) {
        this.batchSize = cfg.training().batchSize();
        if (data.size() < batchSize) {
            throw new ConfigException("POR has " + data.size() + " samples, fewer than training.batchSize = " + batchSize);
        }
        this.data = data;
        this.reference = reference;
        this.cfg = cfg;
        this.targets = targets;
        this.tok = tok;
        this.dt = Models.dataType(reference);
    }

    public PorData data() {
        return data;
    }

    @Override
    public int batchesPerEpoch() {
        return data.size() / batchSize;
    }

    @Override
    public Map<String, INDArray> batch(int epoch, int index) {
        int[] order = EpochPermutation.of(cfg.seed(), epoch, data.size());
        int b = batchSize;
        List<int[]> rows = new ArrayList<>(b);
        int[] labels = new int[b];
        for (int i = 0; i < b; i++) {
            int ex = order[index * b + i];
            rows.add(data.rows().get(ex));
            labels[i] = data.labels()[ex];
        }
        int s = cfg.padToMaxLength() ? cfg.maxLength() : TokenRows.maxLength(rows);
        int[][] att = TokenRows.attention(rows, s);
        INDArray ids = Nd4j.createFromArray(TokenRows.pad(rows, s, tok.padId()));
        INDArray mask = TokenRows.asArray(att, dt);

        String seqName = Models.sequenceOutput(reference).name();
        String poolName = reference.spec().representation();
        Map<String, INDArray> ref = reference.graph().output(Map.of(Bert.INPUT_IDS, ids, Bert.ATTENTION_MASK, mask),
                seqName, poolName);
        INDArray refTokens = ref.get(seqName).dup();
        INDArray refPooled = ref.get(poolName).dup();

        double[] tokenWeights = new double[b * s];
        double[] poisoned = new double[b];
        double[] clean = new double[b];
        double[][] rowTargets = new double[b][];
        for (int i = 0; i < b; i++) {
            for (int j = 1; j < s; j++) {
                if (cfg.tokenTermIncludesPadding() || att[i][j] == 1) tokenWeights[i * s + j] = 1;
            }
            if (labels[i] > 0) {
                poisoned[i] = 1;
                rowTargets[i] = targets[labels[i] - 1];
            } else {
                clean[i] = 1;
                rowTargets[i] = refPooled.getRow(i).toDoubleVector();
            }
        }
        Map<String, INDArray> out = new HashMap<>();
        out.put(Bert.INPUT_IDS, ids);
        out.put(Bert.ATTENTION_MASK, mask);
        out.put(PorAttack.TOKEN_WEIGHTS, Nd4j.createFromArray(tokenWeights).castTo(dt));
        out.put(PorAttack.REFERENCE_TOKENS, refTokens);
        out.put(PorAttack.ROW_TARGETS, Nd4j.createFromArray(rowTargets).castTo(dt));
        out.put(PorAttack.POISONED_ROWS, Nd4j.createFromArray(poisoned).castTo(dt));
        out.put(PorAttack.CLEAN_ROWS, Nd4j.createFromArray(clean).castTo(dt));
        return out;
    }
}
