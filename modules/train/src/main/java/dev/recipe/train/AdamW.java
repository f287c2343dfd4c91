package dev.recipe.train;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * AdamW (Loshchilov &amp; Hutter, 2019, arXiv:1711.05101) updating parameter arrays in place, in the order of
 * operations of {@code torch.optim.AdamW} (single-tensor, {@code amsgrad=False}), with {@code t} the 1-based step:
 * <pre>
 *   p *= 1 - lr*wd
 *   m  = b1*m + (1-b1)*g
 *   v  = b2*v + (1-b2)*g*g
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * The moments {@code m}, {@code v} have the parameter's data type and are created as zeros at the first update
 * of each parameter. Scalars (bias corrections, step size) are computed in double.
 */
public final class AdamW implements Optimizer {
    private final double weightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private long step;

    /** An optimizer with the weight decay, betas and eps of {@code cfg}; the learning rate comes with each step. */
    public AdamW(TrainConfig cfg) {
        this.weightDecay = cfg.weightDecay();
        this.beta1 = cfg.beta1();
        this.beta2 = cfg.beta2();
        this.eps = cfg.eps();
    }

    /**
     * One update of every parameter in {@code params} (same keys as {@code grads}), then {@code stepCount()} + 1.
     *
     * @param params    parameter arrays, updated in place
     * @param grads     their gradients, left unchanged
     * @param gradScale factor applied to every gradient first (global-norm clipping), 1 for none
     * @param lr        learning rate of this step
     */
    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double gradScale, double lr) {
        long t = step + 1;
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, t));
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray g = grads.get(name);
            if (g == null) throw new IllegalArgumentException("no gradient for parameter " + name);
            update(name, e.getValue(), g, gradScale, lr, bc1, bc2Sqrt);
        }
        step = t;
    }

    private void update(String name, INDArray p, INDArray g, double gradScale, double lr, double bc1,
                        double bc2Sqrt) {
        INDArray mi = m.computeIfAbsent(name, k -> Nd4j.zerosLike(p));
        INDArray vi = v.computeIfAbsent(name, k -> Nd4j.zerosLike(p));
        if (fusable(p, g, mi, vi)) {
            fused(p, g, mi, vi, gradScale, lr, weightDecay, beta1, beta2, eps, bc1, bc2Sqrt);
        } else {
            withOps(p, g, mi, vi, gradScale, lr, weightDecay, beta1, beta2, eps, bc1, bc2Sqrt);
        }
    }

    /** Float arrays of one layout, each the whole of its buffer: the fused loop can walk them together. */
    static boolean fusable(INDArray p, INDArray... others) {
        if (p.dataType() != DataType.FLOAT || p.isView() || p.length() > Integer.MAX_VALUE) return false;
        for (INDArray a : others) {
            if (a.dataType() != DataType.FLOAT || a.isView() || a.length() != p.length() || a.ordering() != p.ordering()
                    || !Arrays.equals(a.shape(), p.shape()) || !Arrays.equals(a.stride(), p.stride())) return false;
        }
        return true;
    }

    /**
     * The update as one pass over the four arrays in Java, bit-identical to {@link #withOps} (the same float
     * operations in the same order, no fused multiply-add; a test compares them bit for bit). Why by hand: ND4J runs
     * the update as ~12 element-wise ops per parameter, each a native call and a pass over memory; at mini scale
     * (5.4 M parameters in 67 arrays) that took 57-100 ms a step on 2 threads against 21 ms for this loop on one.
     */
    static void fused(INDArray p, INDArray g, INDArray m, INDArray v, double gradScale, double lr, double weightDecay,
                      double beta1, double beta2, double eps, double bc1, double bc2Sqrt) {
        FloatBuffer pb = p.data().asNioFloat(), gb = g.data().asNioFloat(), mb = m.data().asNioFloat(), vb = v.data().asNioFloat();
        int n = (int) p.length();
        boolean scales = gradScale != 1.0, decays = weightDecay != 0;
        // each scalar as ND4J applies it to a float array: rounded to float first
        float scale = (float) gradScale, decay = (float) (1.0 - lr * weightDecay);
        float b1 = (float) beta1, oneMinusB1 = (float) (1.0 - beta1), b2 = (float) beta2, oneMinusB2 = (float) (1.0 - beta2);
        float bc2 = (float) bc2Sqrt, e = (float) eps, stepSize = (float) (lr / bc1);
        for (int i = 0; i < n; i++) {
            float gi = scales ? gb.get(i) * scale : gb.get(i);
            float pi = decays ? pb.get(i) * decay : pb.get(i);
            float mi = mb.get(i) * b1 + gi * oneMinusB1;
            float vi = vb.get(i) * b2 + (gi * gi) * oneMinusB2;
            // sqrt in double rounded to float is the correctly rounded float sqrt (double has > 2 x 24 + 2 bits)
            float denom = (float) Math.sqrt(vi) / bc2 + e;
            pb.put(i, pi - mi / denom * stepSize);
            mb.put(i, mi);
            vb.put(i, vi);
        }
    }

    /** The update as ND4J element-wise ops: any data type and layout. */
    static void withOps(INDArray p, INDArray g, INDArray mi, INDArray vi, double gradScale, double lr, double weightDecay,
                        double beta1, double beta2, double eps, double bc1, double bc2Sqrt) {
        INDArray gs = gradScale == 1.0 ? g : g.mul(gradScale);
        if (weightDecay != 0) p.muli(1.0 - lr * weightDecay);
        INDArray t1 = gs.mul(1.0 - beta1);
        mi.muli(beta1).addi(t1);
        INDArray t2 = gs.mul(gs).muli(1.0 - beta2);
        vi.muli(beta2).addi(t2);
        INDArray denom = Transforms.sqrt(vi, true).divi(bc2Sqrt).addi(eps);
        INDArray delta = mi.div(denom).muli(lr / bc1);
        p.subi(delta);
        close(t1, t2, denom, delta);
        if (gs != g) close(gs);
    }

    private static void close(INDArray... arrays) {
        for (INDArray a : arrays) if (a.closeable()) a.close();
    }

    /** Number of updates made so far ({@code t} of the last update). */
    @Override
    public long stepCount() {
        return step;
    }

    /** The first-moment arrays by parameter name (live, read-only view). */
    @Override
    public Map<String, INDArray> firstMoments() {
        return Collections.unmodifiableMap(m);
    }

    /** The second-moment arrays by parameter name (live, read-only view). */
    @Override
    public Map<String, INDArray> secondMoments() {
        return Collections.unmodifiableMap(v);
    }

    /** Replaces the whole state, e.g. from a checkpoint; the maps' arrays are used as they are (not copied). */
    @Override
    public void restore(long stepCount, Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments) {
        if (stepCount < 0) throw new IllegalArgumentException("stepCount must be >= 0, got " + stepCount);
        if (!firstMoments.keySet().equals(secondMoments.keySet())) {
            throw new IllegalArgumentException("first and second moments name different parameters: "
                    + firstMoments.keySet() + " vs " + secondMoments.keySet());
        }
        m.clear();
        v.clear();
        m.putAll(firstMoments);
        v.putAll(secondMoments);
        step = stepCount;
    }
}
