package dev.recipe.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Transformer building blocks on SameDiff, each differentiable and checked against finite differences
 * ({@code LayersGradientTest}). Activations stay 2-D {@code [tokens, width]} between blocks so that every dense
 * layer is one plain matrix product; weights are stored as HuggingFace/PyTorch do, {@code [out, in]}, so checkpoints
 * map 1:1 and the product is {@code x · Wᵀ} (the transpose is a BLAS flag, not a copy).
 */
public final class Layers {
    private Layers() {}

    /** {@code x · Wᵀ + b} for x [N, in], W [out, in], b [out] (b may be null). */
    public static SDVariable linear(SameDiff sd, String name, SDVariable x, SDVariable w, SDVariable b) {
        SDVariable y = sd.mmul(x, w, false, true, false);
        return b == null ? sd.identity(name, y) : BroadcastOps.addTrailing(sd, y, b).rename(name);
    }

    /**
     * Layer normalisation over the last dimension, {@code (x − mean) / sqrt(var + eps) · gain + bias}, exactly as
     * HuggingFace's {@code LayerNorm(eps)} (biased variance), written in primitive ops. Why not
     * {@code sd.nn.layerNorm}: the native op has no epsilon, and its backward ({@code layer_norm_bp}) measured
     * ~41 ms per call on [2048, 256] here, 10× the primitive-op backward (see BENCHMARKS.md).
     */
    public static SDVariable layerNorm(SameDiff sd, String name, SDVariable x, SDVariable gain, SDVariable bias,
                                       double eps) {
        SDVariable centred = BroadcastOps.subPerRow(sd, x, x.mean(true, -1));
        SDVariable variance = centred.mul(centred).mean(true, -1);
        SDVariable normed = BroadcastOps.mulPerRow(sd, centred, sd.math.rsqrt(variance.add(eps)));
        return BroadcastOps.addTrailing(sd, BroadcastOps.mulTrailing(sd, normed, gain), bias).rename(name);
    }

    /**
     * Exact GELU, {@code x·Φ(x) = 0.5·x·(1 + erf(x/√2))}, as BERT uses. SameDiff's own {@code gelu} is the sigmoid
     * approximation x·σ(1.702x) and {@code preciseGelu} is not the erf form either (GELU(1) = 0.8458 and 0.8314
     * against the exact 0.8413), so neither matches pre-trained BERT weights.
     */
    public static SDVariable gelu(SameDiff sd, String name, SDVariable x) {
        SDVariable phi = sd.math.erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0);
        return x.mul(phi).mul(name, 0.5);
    }

    /** CLIP's {@code quick_gelu}, {@code x·σ(1.702·x)} (HuggingFace {@code QuickGELUActivation}). */
    public static SDVariable quickGelu(SameDiff sd, String name, SDVariable x) {
        return x.mul(name, sd.nn.sigmoid(x.mul(1.702)));
    }

    /**
     * Embedding rows for integer ids of any shape, returned flattened to [ids, width] with the gradient of
     * {@link EmbeddingLookupOp} (scatter-add into the table).
     */
    public static SDVariable embedding(SameDiff sd, String name, SDVariable table, SDVariable ids) {
        SDVariable flat = sd.reshape(ids, -1);
        SDVariable out = new EmbeddingLookupOp(sd, table, flat).outputVariable();
        return sd.identity(name, out);
    }

    /** Selects rows of a 2-D [N, W] array by integer indices [M] (e.g. masked positions): [M, W]. */
    public static SDVariable selectRows(SameDiff sd, String name, SDVariable x, SDVariable rowIndex) {
        return embedding(sd, name, x, rowIndex);
    }

    /**
     * An additive attention mask and how it lines up with the [B, heads, S, S] scores: said by its maker, not guessed
     * from a shape (a padding mask of a one-token batch and a full mask can have the same rank).
     *
     * @param add    the values added to the scores: 0 where attended, a large negative number where not
     * @param perKey true: [B, 1, 1, S], one value per key position, broadcast over heads and query positions (padding);
     *               false: a whole [B, heads, S, S] array (e.g. a causal mask) added element-wise
     */
    public record AttentionMask(SDVariable add, boolean perKey) {
        public AttentionMask {
            if (add == null) throw new IllegalArgumentException("an attention mask needs its additive values");
        }

        /** A padding mask [B, 1, 1, S] (see {@link #additiveMask}). */
        public static AttentionMask padding(SDVariable add) {
            return new AttentionMask(add, true);
        }

        /** A full [B, heads, S, S] mask such as CLIP text's causal mask. */
        public static AttentionMask full(SDVariable add) {
            return new AttentionMask(add, false);
        }
    }

    /**
     * Padding mask [B,1,1,S] from a [B,S] 0/1 mask: 0 where attended, -10000 where padded (BERT's original constant;
     * HuggingFace later switched to the dtype minimum, which gives the same softmax).
     */
    public static AttentionMask additiveMask(SameDiff sd, String name, SDVariable attentionMask) {
        SDVariable add = attentionMask.rsub(1.0).mul(-10000.0);
        return AttentionMask.padding(sd.expandDims(name, sd.expandDims(add, 1), 1));
    }

    /**
     * Scaled dot-product self-attention over heads, for q, k, v already projected: [B·S, H] each, with
     * {@code seqShape} = the int64 vector [-1, S, heads, H/heads], under {@code mask} (null = every position
     * attends to every other). Returns the context [B·S, H].
     */
    public static SDVariable attention(SameDiff sd, String name, SDVariable q, SDVariable k, SDVariable v,
                                       AttentionMask mask, SDVariable headShape, SDVariable flatShape,
                                       int headDim) {
        SDVariable qh = sd.permute(sd.reshape(q, headShape), 0, 2, 1, 3);
        SDVariable kh = sd.permute(sd.reshape(k, headShape), 0, 2, 1, 3);
        SDVariable vh = sd.permute(sd.reshape(v, headShape), 0, 2, 1, 3);
        SDVariable scores = sd.mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(headDim));
        if (mask != null) {
            scores = mask.perKey() ? BroadcastOps.addKeepDims(sd, scores, mask.add(), 1, 2) : scores.add(mask.add());
        }
        SDVariable probs = sd.nn.softmax(scores, 3);
        SDVariable ctx = sd.mmul(probs, vh);
        return sd.reshape(name, sd.permute(ctx, 0, 2, 1, 3), flatShape);
    }
}
