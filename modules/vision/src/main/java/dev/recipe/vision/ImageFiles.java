package dev.recipe.vision;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import dev.recipe.core.ConfigException;

/**
 * Decodes an image file into an {@link RgbImage}: JPEG, PNG, BMP and GIF through the JDK's {@link ImageIO}, and binary
 * PPM ({@code P6}, 8-bit), which GTSRB's images use and ImageIO does not read (a header of four fields, then the
 * pixels: parsed here). Grey images become RGB with R = G = B, as PIL's {@code convert("RGB")}.
 */
public final class ImageFiles {
    private ImageFiles() {}

    /** Reads and decodes {@code file}. */
    public static RgbImage read(Path file) {
        try {
            return decode(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + file, e);
        }
    }

    /** Decodes {@code data}; {@code source} names it in errors (a file, or an archive entry). */
    public static RgbImage decode(byte[] data, String source) {
        if (data.length >= 2 && data[0] == 'P' && data[1] == '6') return ppm(data, source);
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(data));
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot decode image: " + e.getMessage());
        }
        if (img == null) {
            throw new ConfigException(source + ": not an image ImageIO can read (JPEG, PNG, BMP, GIF) nor a binary PPM (P6)");
        }
        int w = img.getWidth(), h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < w * h; i++) {
                rgb[i * 3] = bgr[i * 3 + 2];
                rgb[i * 3 + 1] = bgr[i * 3 + 1];
                rgb[i * 3 + 2] = bgr[i * 3];
            }
        } else if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] grey = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < w * h; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = grey[i];
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = img.getRGB(x, y);
                    int i = (y * w + x) * 3;
                    rgb[i] = (byte) (p >> 16);
                    rgb[i + 1] = (byte) (p >> 8);
                    rgb[i + 2] = (byte) p;
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /** Binary PPM: "P6", width, height, maxval (each after whitespace, '#' comments allowed), one whitespace, pixels. */
    static RgbImage ppm(byte[] data, String source) {
        int[] pos = {2};
        int w = ppmField(data, pos, source, "width");
        int h = ppmField(data, pos, source, "height");
        int max = ppmField(data, pos, source, "maxval");
        if (max != 255) throw new ConfigException(source + ": PPM maxval " + max + ", only 8-bit (255) is supported");
        if (w <= 0 || h <= 0) throw new ConfigException(source + ": PPM size " + w + "x" + h);
        int start = pos[0] + 1; // exactly one whitespace byte after maxval
        long need = (long) w * h * 3;
        if (data.length - start < need) {
            throw new ConfigException(source + ": truncated PPM: " + w + "x" + h + " needs " + need + " pixel bytes, the file has "
                    + Math.max(0, data.length - start));
        }
        byte[] rgb = new byte[(int) need];
        System.arraycopy(data, start, rgb, 0, rgb.length);
        return new RgbImage(w, h, rgb);
    }

    private static int ppmField(byte[] data, int[] pos, String source, String what) {
        int i = pos[0];
        while (i < data.length) {
            if (data[i] == '#') {
                while (i < data.length && data[i] != '\n') i++;
            } else if (Character.isWhitespace(data[i])) {
                i++;
            } else {
                break;
            }
        }
        int start = i;
        while (i < data.length && data[i] >= '0' && data[i] <= '9') i++;
        if (i == start || i - start > 9) {
            String got = i < data.length ? new String(data, start, Math.min(12, data.length - start), StandardCharsets.ISO_8859_1) : "end of file";
            throw new ConfigException(source + ": bad PPM header: expected the " + what + " as a number, got '" + got + "'");
        }
        pos[0] = i;
        return Integer.parseInt(new String(data, start, i - start, StandardCharsets.US_ASCII));
    }
}
