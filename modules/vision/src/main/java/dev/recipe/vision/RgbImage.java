package dev.recipe.vision;

import java.util.Arrays;

/**
 * An 8-bit RGB image, row-major and interleaved ({@code rgb[(y·width + x)·3 + c]}), as PIL holds an "RGB" image and
 * as the authors' pipelines see an image before {@code ToTensor}. Immutable: every operation returns a new image.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] rgb;

    /** @param rgb width·height·3 bytes, row-major, interleaved R, G, B (copied) */
    public RgbImage(int width, int height, byte[] rgb) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size " + width + "x" + height);
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image has " + (width * height * 3)
                    + " bytes, got " + rgb.length);
        }
        this.width = width;
        this.height = height;
        this.rgb = rgb.clone();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0-255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /** A copy of the interleaved bytes. */
    public byte[] bytes() {
        return rgb.clone();
    }

    /** This image with {@code patch} pasted with its top-left corner at (x, y) (PIL's {@code Image.paste}). */
    public RgbImage paste(RgbImage patch, int x, int y) {
        if (x < 0 || y < 0 || x + patch.width > width || y + patch.height > height) {
            throw new IllegalArgumentException("a " + patch.width + "x" + patch.height + " patch at (" + x + ", " + y
                    + ") does not fit a " + width + "x" + height + " image");
        }
        byte[] out = rgb.clone();
        for (int r = 0; r < patch.height; r++) {
            System.arraycopy(patch.rgb, r * patch.width * 3, out, ((y + r) * width + x) * 3, patch.width * 3);
        }
        return new RgbImage(width, height, out);
    }

    /**
     * The image as floats in channel-first order ({@code out[c·H·W + y·W + x]}), each value {@code (v/255 − mean[c]) /
     * std[c]}: torchvision's {@code ToTensor} followed by {@code Normalize(mean, std)}.
     */
    public float[] toChw(double[] mean, double[] std) {
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values each");
        float[] out = new float[width * height * 3];
        int plane = width * height;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                // ToTensor divides in float32; Normalize then subtracts and divides in float32
                float v = (rgb[i * 3 + c] & 0xff) / 255f;
                out[c * plane + i] = (v - (float) mean[c]) / (float) std[c];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && other.width == width && other.height == height
                && Arrays.equals(other.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
