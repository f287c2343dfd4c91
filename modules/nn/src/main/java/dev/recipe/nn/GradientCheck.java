package dev.recipe.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finite-difference check of SameDiff gradients: central differences {@code (L(w+ε) − L(w−ε)) / 2ε} against
 * {@code calculateGradients}, element by element, on a double-precision graph.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /** One compared element. */
    public record Entry(String variable, long index, double analytic, double numeric, double relError) {}

    /** All compared elements and the worst one. */
    public record Report(List<Entry> entries, Entry worst) {
        public boolean passed(double maxRelError, double absTolerance) {
            for (Entry e : entries) {
                if (Math.abs(e.analytic - e.numeric) > absTolerance && e.relError > maxRelError) return false;
            }
            return true;
        }

        @Override
        public String toString() {
            return entries.size() + " elements checked; worst " + worst;
        }
    }

    /**
     * Checks up to {@code perVariable} randomly chosen elements of each named variable (all of them when the
     * variable is smaller).
     */
    public static Report check(SameDiff sd, String loss, Map<String, INDArray> placeholders, List<String> variables,
                               int perVariable, double epsilon, long seed) {
        for (String v : variables) {
            if (sd.getVariable(v).getArr().dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("gradient checks need a DOUBLE graph; " + v + " is "
                        + sd.getVariable(v).getArr().dataType());
            }
        }
        sd.setLossVariables(loss);
        Map<String, INDArray> grads = sd.calculateGradients(placeholders, variables);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Entry> entries = new ArrayList<>();
        Entry worst = null;
        for (String v : variables) {
            INDArray w = sd.getVariable(v).getArr();
            INDArray g = grads.get(v);
            if (g == null) throw new IllegalStateException("no gradient returned for " + v);
            long n = w.length();
            int count = (int) Math.min(n, perVariable);
            for (int i = 0; i < count; i++) {
                long idx = n <= perVariable ? i : rnd.nextLong(n);
                double orig = w.getDouble(idx);
                w.putScalar(idx, orig + epsilon);
                double plus = lossValue(sd, loss, placeholders);
                w.putScalar(idx, orig - epsilon);
                double minus = lossValue(sd, loss, placeholders);
                w.putScalar(idx, orig);
                double numeric = (plus - minus) / (2 * epsilon);
                double analytic = g.getDouble(idx);
                double denom = Math.max(Math.abs(numeric) + Math.abs(analytic), 1e-12);
                Entry e = new Entry(v, idx, analytic, numeric, Math.abs(analytic - numeric) / denom);
                entries.add(e);
                if (worst == null || e.relError > worst.relError) worst = e;
            }
        }
        return new Report(entries, worst);
    }

    private static double lossValue(SameDiff sd, String loss, Map<String, INDArray> placeholders) {
        return sd.output(placeholders, loss).get(loss).getDouble(0);
    }
}
