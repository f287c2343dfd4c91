package dev.recipe.zoo.data;

import dev.recipe.zoo.vision.VisionModel;
import java.util.List;
import java.util.Map;

import dev.recipe.train.BatchSource;
import dev.recipe.train.EpochPermutation;
import dev.recipe.vision.LabelledImage;
import dev.recipe.vision.PilResize;
import dev.recipe.vision.RgbImage;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labelled images as classification batches for a vision graph ({@code pixel_values} [B, 3, S, S], {@code labels}
 * [B]): each image resized to S×S as PIL does (NeuBA's loaders: {@code resize((64, 64), BILINEAR)}), then scaled and
 * normalised as torchvision's {@code ToTensor} + {@code Normalize(mean, std)} (NeuBA: 0.5, 0.5). The resized images
 * are kept (bytes: 12 KB an image at 64×64), not the tensors. Shuffled per epoch with a seeded permutation when
 * {@code shuffle}; the final partial batch is kept.
 */
public final class ImageBatches implements BatchSource {
    /** NeuBA's normalisation: (x − 0.5) / 0.5 per channel. */
    public static final double[] HALF = {0.5, 0.5, 0.5};

    private final RgbImage[] images;
    private final int[] labels;
    private final int size;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final DataType dataType;
    private final double[] mean;
    private final double[] std;

    public ImageBatches(List<LabelledImage> data, int size, int batchSize, boolean shuffle, long seed, DataType dt,
                        double[] mean, double[] std) {
        if (data.isEmpty()) throw new IllegalArgumentException("no images");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        this.images = new RgbImage[data.size()];
        this.labels = new int[data.size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = PilResize.bilinear(data.get(i).image(), size, size);
            labels[i] = data.get(i).label();
        }
        this.size = size;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dataType = dt;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public int batchesPerEpoch() {
        return (images.length + batchSize - 1) / batchSize;
    }

    @Override
    public Map<String, INDArray> batch(int epoch, int index) {
        int[] rows = rows(epoch, index);
        List<RgbImage> imgs = new java.util.ArrayList<>();
        int[] y = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            imgs.add(images[rows[i]]);
            y[i] = labels[rows[i]];
        }
        return Map.of(VisionModel.PIXEL_VALUES, pixels(imgs), VisionModel.LABELS, Nd4j.createFromArray(y));
    }

    /** Which images (indices into the data) batch {@code index} of {@code epoch} holds, in order. */
    public int[] rows(int epoch, int index) {
        int[] order = shuffle ? EpochPermutation.of(seed, epoch, images.length) : null;
        int from = index * batchSize, to = Math.min(images.length, from + batchSize);
        int[] rows = new int[to - from];
        for (int i = 0; i < rows.length; i++) rows[i] = order == null ? from + i : order[from + i];
        return rows;
    }

    /** Image {@code k}, resized. */
    public RgbImage image(int k) {
        return images[k];
    }

    /** Image {@code k}'s label. */
    public int label(int k) {
        return labels[k];
    }

    /** The images as one normalised [N, 3, S, S] tensor of this source's type. */
    public INDArray pixels(List<RgbImage> imgs) {
        int plane = 3 * size * size;
        float[] pixels = new float[imgs.size() * plane];
        for (int i = 0; i < imgs.size(); i++) System.arraycopy(imgs.get(i).toChw(mean, std), 0, pixels, i * plane, plane);
        return Nd4j.createFromArray(pixels).reshape(imgs.size(), 3, size, size).castTo(dataType);
    }

    /** Number of images. */
    public int size() {
        return images.length;
    }
}
