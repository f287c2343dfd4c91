package dev.recipe.eval;

/**
 * PURE's label flip rate (LFR, {@code xingyizhao/PURE}, see {@code official-code.md} A5): among samples whose true
 * label is the source label, the share predicted as any other label, i.e. {@code 1 - recall(source)}. PURE reports
 * it on trigger-inserted negatives: {@code cm[0][1] / (cm[0][0] + cm[0][1])}.
 */
public final class LabelFlipRate {
    private LabelFlipRate() {}

    /** LFR of {@code source} from labels and predictions; no sample of the source label is an error. */
    public static double of(int[] labels, int[] predictions, int sourceLabel) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predictions.length + " predictions");
        }
        int n = 0;
        int flipped = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == sourceLabel) {
                n++;
                if (predictions[i] != sourceLabel) flipped++;
            }
        }
        if (n == 0) throw new IllegalArgumentException("no sample has the source label " + sourceLabel + ": LFR is undefined");
        return (double) flipped / n;
    }

    /** LFR from a confusion matrix {@code cm[true][predicted]}: off-diagonal share of row {@code source}. */
    public static double fromConfusion(int[][] confusion, int source) {
        int row = 0;
        for (int v : confusion[source]) row += v;
        if (row == 0) throw new IllegalArgumentException("row " + source + " of the confusion matrix is empty: LFR is undefined");
        return (double) (row - confusion[source][source]) / row;
    }
}
