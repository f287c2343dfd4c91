package dev.recipe.zoo.vision;

import dev.recipe.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The token rows of a vision transformer (ViT, CLIP's vision tower): the images' patches embedded by a convolution
 * with kernel = stride = patch, a class token in front of each image's patches, and learned positions, as 2-D
 * [B·T, hidden] activations (T = patches + 1). The convolution is written as a product: the image is cut into
 * [B·N, C·P·P] rows (channel, row, column inside a patch; patches in raster order) and multiplied by the weight
 * [hidden, C, P, P] seen as [hidden, C·P·P]. The class token and the positions are placed by row lookups
 * ({@link Layers#selectRows}), whose gradient is the project's checked one, not by broadcasting (M2.1 reduces some
 * broadcast gradients wrongly; see {@code Bert}).
 */
public final class PatchTokens {
    private PatchTokens() {}

    /**
     * Row bookkeeping for a batch: each token row's position in its image, the image it belongs to, and the row of
     * each image's class token (0, T, 2T, ...), named {@code firstName}.
     */
    public record Rows(SDVariable position, SDVariable image, SDVariable first) {}

    /** {@link Rows} for {@code pixels} [B, C, S, S] and T tokens an image. */
    public static Rows rows(SameDiff sd, SDVariable pixels, int t, String firstName) {
        SDVariable batch = sd.sizeAt(pixels, 0).castTo(DataType.INT);
        SDVariable rows = batch.mul(t);
        SDVariable zero = sd.constant(Nd4j.scalar(DataType.INT, 0));
        SDVariable row = sd.range(zero, rows, sd.constant(Nd4j.scalar(DataType.INT, 1)), DataType.INT);
        SDVariable tokens = sd.constant(Nd4j.scalar(DataType.INT, t));
        SDVariable first = sd.range(zero, rows, tokens, DataType.INT);
        return new Rows(sd.math.floorMod(row, tokens), sd.math.floorDiv(row, tokens), sd.identity(firstName, first));
    }

    /**
     * The embedded tokens {@code prefix.out} [B·T, H].
     *
     * @param kernel   the patch convolution's weight [H, C, P, P]
     * @param bias     its bias [H], or null (CLIP's has none)
     * @param clsRow   the class token [1, H]
     * @param posTable the positions [T, H]
     */
    public static SDVariable embed(SameDiff sd, String prefix, SDVariable pixels, SDVariable kernel, SDVariable bias,
                                   SDVariable clsRow, SDVariable posTable, Rows r, int perSide) {
        long[] k = kernel.getShape();
        long hs = k[0], ch = k[1], p = k[2];
        // [B, C, n, P, n, P] -> [B, n, n, C, P, P] -> [B·N, C·P·P]: one row a patch, in the convolution weight's order
        SDVariable cut = sd.reshape(pixels, sd.constant(Nd4j.createFromArray(-1L, ch, perSide, p, perSide, p)));
        SDVariable patchRows = sd.reshape(sd.permute(cut, 0, 2, 4, 1, 3, 5), sd.constant(Nd4j.createFromArray(-1L, ch * p * p)));
        SDVariable patches = Layers.linear(sd, prefix + ".patches", patchRows,
                sd.reshape(kernel, sd.constant(Nd4j.createFromArray(hs, ch * p * p))), bias);
        // table: row 0 the class token, row 1 + b·N + j the j-th patch of image b; token (b, pos) reads row
        // (b·N + pos)·min(pos, 1): 0 for the class token, 1 + b·N + (pos − 1) for a patch
        SDVariable table = sd.concat(0, clsRow, patches);
        SDVariable isPatch = sd.math.min(r.position(), sd.constant(Nd4j.scalar(DataType.INT, 1)));
        SDVariable index = r.image().mul(perSide * perSide).add(r.position()).mul(isPatch);
        SDVariable tokens = Layers.selectRows(sd, prefix + ".tokens", table, index);
        SDVariable positions = Layers.selectRows(sd, prefix + ".positions", posTable, r.position());
        return sd.identity(prefix + ".out", tokens.add(positions));
    }
}
