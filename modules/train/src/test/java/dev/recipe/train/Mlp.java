package dev.recipe.train;

import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test fixture: a 2-layer MLP classifier with deterministic weights and data. Loss is softmax cross-entropy written
 * as {@code -sum(onehot * logSoftmax(logits)) / batch} (not {@code sd.loss.*}, see PLATFORM-NOTES defect 2).
 */
final class Mlp {
    static final int IN = 4;
    static final int CLASSES = 3;
    static final int EXAMPLES = 48;
    static final int BATCH = 8;
    static final String LOSS = "loss";

    private Mlp() {}

    /** The graph, with weights drawn from {@code java.util.Random(seed)} (identical in every JVM). */
    static SameDiff graph(int hidden, long seed) {
        Random r = new Random(seed);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, IN);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, CLASSES);
        SDVariable w0 = sd.var("layer0.weight", init(r, 0.5, IN, hidden));
        SDVariable b0 = sd.var("layer0.bias", init(r, 0.1, hidden));
        SDVariable w1 = sd.var("layer1.weight", init(r, 0.5, hidden, CLASSES));
        SDVariable b1 = sd.var("layer1.bias", init(r, 0.1, CLASSES));
        SDVariable h = sd.math.tanh(x.mmul(w0).add(b0));
        SDVariable logits = h.mmul(w1).add(b1);
        SDVariable logp = sd.nn.logSoftmax(logits);
        y.mul(logp).sum().neg().div(LOSS, BATCH);
        return sd;
    }

    static INDArray init(Random r, double scale, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * scale);
        return Nd4j.create(v, shape, 'c');
    }

    /** Fixed features and labels (label = argmax of a fixed linear map), shuffled per epoch with the seed. */
    static BatchSource data(long seed) {
        Random r = new Random(1234);
        float[][] xs = new float[EXAMPLES][IN];
        int[] labels = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            double[] score = new double[CLASSES];
            for (int j = 0; j < IN; j++) {
                xs[i][j] = (float) r.nextGaussian();
                for (int c = 0; c < CLASSES; c++) score[c] += xs[i][j] * ((j + 1) * (c - 1) + 0.3 * c);
            }
            int best = 0;
            for (int c = 1; c < CLASSES; c++) if (score[c] > score[best]) best = c;
            labels[i] = best;
        }
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return EXAMPLES / BATCH;
            }

            @Override
            public Map<String, INDArray> batch(int epoch, int index) {
                int[] order = EpochPermutation.of(seed, epoch, EXAMPLES);
                float[] x = new float[BATCH * IN];
                float[] y = new float[BATCH * CLASSES];
                for (int b = 0; b < BATCH; b++) {
                    int e = order[index * BATCH + b];
                    System.arraycopy(xs[e], 0, x, b * IN, IN);
                    y[b * CLASSES + labels[e]] = 1f;
                }
                return Map.of("x", Nd4j.create(x, new long[] {BATCH, IN}, 'c'),
                        "y", Nd4j.create(y, new long[] {BATCH, CLASSES}, 'c'));
            }
        };
    }

    /** The config of the resume tests: 2 epochs x 6 batches = 12 steps, warmup, decay, clipping, weight decay. */
    static TrainConfig config() {
        return TrainConfig.of(0.05, 2).withWeightDecay(0.01).withWarmupSteps(2).withClipNorm(0.5)
                .withSeed(7).withCheckpointEverySteps(3).withLogEverySteps(1);
    }
}
