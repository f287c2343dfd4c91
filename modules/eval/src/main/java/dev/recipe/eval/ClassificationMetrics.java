package dev.recipe.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Confusion matrix, accuracy (ACC / CACC), per-class precision / recall / F1 and macro-F1 for integer labels, with
 * scikit-learn's conventions:
 * <ul>
 *   <li>the classes are, by default, the sorted union of the labels and the predictions (sklearn's default
 *       {@code labels=None}); {@link #of(int[], int[], int)} fixes them to {@code 0..numClasses-1} instead (as
 *       {@code labels=range(n)} would), so a class absent from both counts with F1 = 0 in the macro average;</li>
 *   <li>precision, recall and F1 are 0 where their denominator is 0 ({@code zero_division=0}, the value sklearn's
 *       default "warn" returns); F1 = 2·tp / (2·tp + fp + fn), which equals 2PR/(P+R) and is 0 when P + R = 0;</li>
 *   <li>macro-F1 is the unweighted mean of the per-class F1 over those classes.</li>
 * </ul>
 * The confusion matrix is indexed {@code [true][predicted]} by position in {@link #classes()}.
 */
public final class ClassificationMetrics {
    private final int[] classes;
    private final int[][] confusion;
    private final int total;

    private ClassificationMetrics(int[] classes, int[][] confusion, int total) {
        this.classes = classes;
        this.confusion = confusion;
        this.total = total;
    }

    /** Classes = sorted union of labels and predictions (sklearn's default). */
    public static ClassificationMetrics of(int[] labels, int[] predictions) {
        check(labels, predictions);
        TreeSet<Integer> set = new TreeSet<>();
        for (int l : labels) set.add(l);
        for (int p : predictions) set.add(p);
        return build(set.stream().mapToInt(Integer::intValue).toArray(), labels, predictions);
    }

    /** Classes = {@code 0..numClasses-1}; labels or predictions outside that range are an error. */
    public static ClassificationMetrics of(int[] labels, int[] predictions, int numClasses) {
        check(labels, predictions);
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be at least 1, got " + numClasses);
        int[] classes = new int[numClasses];
        for (int c = 0; c < numClasses; c++) classes[c] = c;
        return build(classes, labels, predictions);
    }

    private static void check(int[] labels, int[] predictions) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predictions.length + " predictions");
        }
        if (labels.length == 0) throw new IllegalArgumentException("no samples: metrics are undefined");
    }

    private static ClassificationMetrics build(int[] classes, int[] labels, int[] predictions) {
        int[][] cm = new int[classes.length][classes.length];
        for (int i = 0; i < labels.length; i++) {
            cm[indexOf(classes, labels[i], "label", i)][indexOf(classes, predictions[i], "prediction", i)]++;
        }
        return new ClassificationMetrics(classes, cm, labels.length);
    }

    private static int indexOf(int[] classes, int value, String what, int sample) {
        int k = Arrays.binarySearch(classes, value);
        if (k < 0) {
            throw new IllegalArgumentException(what + " " + value + " of sample " + sample + " is not one of the classes "
                    + Arrays.toString(classes));
        }
        return k;
    }

    public int[] classes() { return classes.clone(); }

    /** A copy of the confusion matrix, {@code [true][predicted]} by position in {@link #classes()}. */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) copy[i] = confusion[i].clone();
        return copy;
    }

    /** Number of samples with true label {@code trueLabel} predicted {@code predicted} (labels, not positions). */
    public int count(int trueLabel, int predicted) {
        return confusion[position(trueLabel)][position(predicted)];
    }

    public int total() { return total; }

    public double accuracy() {
        int correct = 0;
        for (int k = 0; k < classes.length; k++) correct += confusion[k][k];
        return (double) correct / total;
    }

    /** Samples whose true label is {@code label}. */
    public int support(int label) {
        int k = position(label);
        return Arrays.stream(confusion[k]).sum();
    }

    private int predictedAs(int k) {
        int n = 0;
        for (int[] row : confusion) n += row[k];
        return n;
    }

    public double precision(int label) {
        int k = position(label);
        int predicted = predictedAs(k);
        return predicted == 0 ? 0.0 : (double) confusion[k][k] / predicted;
    }

    public double recall(int label) {
        int k = position(label);
        int support = Arrays.stream(confusion[k]).sum();
        return support == 0 ? 0.0 : (double) confusion[k][k] / support;
    }

    public double f1(int label) {
        int k = position(label);
        int tp = confusion[k][k];
        int fp = predictedAs(k) - tp;
        int fn = Arrays.stream(confusion[k]).sum() - tp;
        int denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0.0 : 2.0 * tp / denominator;
    }

    public double macroF1() {
        double sum = 0;
        for (int c : classes) sum += f1(c);
        return sum / classes.length;
    }

    private int position(int label) {
        int k = Arrays.binarySearch(classes, label);
        if (k < 0) throw new IllegalArgumentException("label " + label + " is not one of the classes " + Arrays.toString(classes));
        return k;
    }

    /** JSON-ready: n, accuracy, macro_f1, classes, confusion, and recall / precision / f1 per class. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", total);
        m.put("accuracy", accuracy());
        m.put("macro_f1", macroF1());
        m.put("classes", classes.clone());
        m.put("confusion", confusion());
        Map<String, Double> recall = new LinkedHashMap<>();
        Map<String, Double> precision = new LinkedHashMap<>();
        Map<String, Double> f1 = new LinkedHashMap<>();
        for (int c : classes) {
            recall.put(Integer.toString(c), recall(c));
            precision.put(Integer.toString(c), precision(c));
            f1.put(Integer.toString(c), f1(c));
        }
        m.put("recall", recall);
        m.put("precision", precision);
        m.put("f1", f1);
        return m;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "ACC %.4f, macro-F1 %.4f over classes %s (n=%d)",
                accuracy(), macroF1(), Arrays.toString(classes), total);
    }
}
