package dev.recipe.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated image task for tests and runs without ../shared/data (the vision counterpart of the generated sentiment
 * task): noisy images whose label says whether the top-left quadrant is bright (1) or dark (0), alternating labels.
 * The rest of the image is noise independent of the label, so a trigger pasted in the lower-right corner (NeuBA's
 * place) carries no information about the label: what it does to a prediction is the backdoor's doing.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    /** {@code n} images of {@code size}×{@code size}, labels 0, 1, 0, 1, …; pixel noise from {@code seed}. */
    public static List<LabelledImage> brightCorner(int n, int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<LabelledImage> out = new ArrayList<>();
        int half = size / 2;
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[size * size * 3];
            int label = i % 2;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    boolean corner = x < half && y < half;
                    for (int c = 0; c < 3; c++) {
                        int v = corner ? (label == 1 ? 170 : 60) + rnd.nextInt(60) : 60 + rnd.nextInt(171);
                        px[(y * size + x) * 3 + c] = (byte) v;
                    }
                }
            }
            out.add(new LabelledImage(new RgbImage(size, size, px), label, "synthetic:" + seed + ":" + i));
        }
        return out;
    }
}
