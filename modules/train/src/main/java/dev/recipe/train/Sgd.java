package dev.recipe.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with momentum, in the order of operations of {@code torch.optim.SGD}
 * ({@code dampening=0}, {@code nesterov=False}, single-tensor):
 * <pre>
 *   d = g + wd*p                (weight decay added to the gradient, as PyTorch's SGD does; 0 = none)
 *   b = d at the first update of p, else mu*b + d
 *   p -= lr * b                 (mu = 0: p -= lr * d, no buffer kept)
 * </pre>
 * Why it exists beside {@link AdamW}: under AdamW every element of a matrix moves by about the learning rate per
 * step whatever its gradient's size, so RECIPE's norm term, whose gradient {@code W/‖W‖} is tiny per element, shrinks
 * a matrix element by element; under SGD its step is {@code lr·λ·W/‖W‖}, a uniform scaling of the matrix that the
 * pre-training loss's gradient can push back against. The RECIPE appendix does not state the optimizer of its vision
 * purifications (official-code.md A1.3), and NeuBA's vision code trains with SGD.
 * The momentum buffers are the checkpoint's first moments; there are no second moments.
 */
public final class Sgd implements Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final Map<String, INDArray> buffers = new LinkedHashMap<>();
    private long step;

    /** An optimizer with the momentum and weight decay of {@code cfg}; the learning rate comes with each step. */
    public Sgd(TrainConfig cfg) {
        this.momentum = cfg.momentum();
        this.weightDecay = cfg.weightDecay();
    }

    @Override
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double gradScale, double lr) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray g = grads.get(name);
            if (g == null) throw new IllegalArgumentException("no gradient for parameter " + name);
            INDArray p = e.getValue();
            // clip_grad_norm_ scales the gradient in place before the optimizer reads it
            INDArray d = gradScale == 1.0 ? g.dup() : g.mul(gradScale);
            if (weightDecay != 0) d.addi(p.mul(weightDecay));
            if (momentum != 0) {
                INDArray b = buffers.get(name);
                if (b == null) buffers.put(name, d);
                else d = b.muli(momentum).addi(d);
            }
            p.subi(d.mul(lr));
        }
        step++;
    }

    @Override
    public long stepCount() {
        return step;
    }

    /** The momentum buffers by parameter name (empty before the first update or with momentum 0). */
    @Override
    public Map<String, INDArray> firstMoments() {
        return Collections.unmodifiableMap(buffers);
    }

    /** None: SGD keeps one buffer per parameter. */
    @Override
    public Map<String, INDArray> secondMoments() {
        return Map.of();
    }

    /**
     * Replaces the state from a checkpoint. A checkpoint stores a buffer for every trainable parameter (zeros where
     * none existed yet); a zero buffer and a missing one differ only at the first update after a resume, where
     * PyTorch starts the buffer from the gradient: {@code 0·mu + d = d}, the same value.
     */
    @Override
    public void restore(long stepCount, Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments) {
        if (stepCount < 0) throw new IllegalArgumentException("stepCount must be >= 0, got " + stepCount);
        buffers.clear();
        if (momentum != 0) buffers.putAll(firstMoments);
        step = stepCount;
    }
}
