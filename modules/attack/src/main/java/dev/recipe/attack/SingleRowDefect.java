package dev.recipe.attack;

/**
 * Keeps row selections away from two failure modes of DL4J M2.1 found while testing the attacks.
 *
 * <p><b>One row.</b> The native {@code unsorted_segment_sum} returns a wrong result when its data has a single row
 * ({@code [1, W]} with one segment id: one element lands, in the wrong place), and {@link
 * dev.recipe.nn.EmbeddingLookupOp}'s gradient was that segment sum until session 22 (it is now a scatter-add, exact for
 * one row: {@code LayersGradientTest.selectingASingleRowHasTheRightGradient}; the doubling below is kept because it
 * changes neither loss nor gradient). So selecting exactly one row ({@link
 * dev.recipe.nn.Layers#selectRows} with one index: a batch with a single masked position, a single poisoned row, or
 * BERT's first-token rows of a batch of one) trained with a wrong gradient, silently. With two or more rows the result
 * is exact. Here a lone index is listed twice with its label or target repeated and its weight halved: a mean or a
 * weighted sum over the doubled list equals the original, and the segment sum adds two halves of the gradient into
 * the same row, so loss and gradient are exactly unchanged.
 *
 * <p><b>No row.</b> An empty index (a batch in which no position was masked) fails in {@code onehot} ("number of TADs
 * should be equal to number of indices"). Here it becomes a pair of index 0 with weight 0: the term is 0, as it should
 * be for a batch with nothing to predict (HuggingFace's mean over no position is NaN).
 */
public final class SingleRowDefect {
    private SingleRowDefect() {}

    /** An index with aligned labels and weight vectors, safe to feed to a row selection. */
    public record Selection(int[] index, int[] labels, double[][] weights) {}

    /**
     * The selection as given when it has two or more rows; one row listed twice at half weight; no row replaced by
     * two rows of index 0, label 0, weight 0.
     */
    public static Selection safe(int[] index, int[] labels, double[]... weights) {
        if (index.length >= 2) return new Selection(index, labels, weights);
        double[][] w = new double[weights.length][];
        if (index.length == 1) {
            for (int k = 0; k < w.length; k++) w[k] = new double[] {weights[k][0] / 2, weights[k][0] / 2};
            return new Selection(new int[] {index[0], index[0]}, new int[] {labels[0], labels[0]}, w);
        }
        for (int k = 0; k < w.length; k++) w[k] = new double[2];
        return new Selection(new int[2], new int[2], w);
    }

    /** {@code a} itself, or {@code a} listed twice when it has exactly one element (for an unweighted mean). */
    public static int[] twiceIfSingle(int[] a) {
        return a.length == 1 ? new int[] {a[0], a[0]} : a;
    }

    /** Rows of {@code a}, each listed twice when there is exactly one. */
    public static double[][] twiceIfSingle(double[][] a) {
        return a.length == 1 ? new double[][] {a[0], a[0]} : a;
    }
}
