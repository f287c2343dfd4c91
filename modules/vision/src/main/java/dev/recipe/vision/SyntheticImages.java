package dev.recipe.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated image task for tests and runs without ../shared/data (the vision counterpart of the generated sentiment
 * task): noisy images whose label says which half is brighter (1: the top half), alternating labels.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    /** {@code n} images of {@code size}×{@code size}, labels 0, 1, 0, 1, …; pixel noise from {@code seed}. */
    public static List<LabelledImage> brighterHalf(int n, int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<LabelledImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[size * size * 3];
            int label = i % 2;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int base = (y < size / 2) == (label == 1) ? 170 : 60;
                    for (int c = 0; c < 3; c++) px[(y * size + x) * 3 + c] = (byte) (base + rnd.nextInt(60));
                }
            }
            out.add(new LabelledImage(new RgbImage(size, size, px), label, "synthetic:" + seed + ":" + i));
        }
        return out;
    }
}
