package dev.recipe.zoo.vision;

import java.util.List;

import dev.recipe.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * One pre-LN transformer layer as ViT and CLIP build it: {@code a = x + out(attention(ln1(x)))},
 * {@code y = a + fc2(act(fc1(ln2(a))))}, on 2-D [B·T, hidden] activations. The families differ only in their
 * parameter names ({@link Names}) and the activation (ViT: exact GELU; CLIP: quick GELU).
 */
public final class PreLnLayer {
    private PreLnLayer() {}

    /** A family's names of one layer's modules, relative to the layer's prefix. */
    public record Names(String ln1, String q, String k, String v, String out, String ln2, String fc1, String fc2) {
        /** HuggingFace's {@code ViTLayer}. */
        public static final Names VIT = new Names("layernorm_before", "attention.attention.query",
                "attention.attention.key", "attention.attention.value", "attention.output.dense", "layernorm_after",
                "intermediate.dense", "output.dense");
        /** HuggingFace's {@code CLIPEncoderLayer}. */
        public static final Names CLIP = new Names("layer_norm1", "self_attn.q_proj", "self_attn.k_proj",
                "self_attn.v_proj", "self_attn.out_proj", "layer_norm2", "mlp.fc1", "mlp.fc2");

        /** The weights RECIPE regularises in ViT and CLIP (SPEC §3): q, k, v, fc1, fc2. */
        public List<String> regularised() {
            return List.of(q, k, v, fc1, fc2);
        }
    }

    /** The activation between fc1 and fc2. */
    public enum Activation { GELU, QUICK_GELU }

    /** Shapes of one layer: widths, heads, and the reshape vectors of {@link Layers#attention}. */
    public record Shape(int hidden, int intermediate, int headDim, double eps, SDVariable headShape, SDVariable flatShape) {}

    /**
     * The layer at prefix {@code lp} ({@code vit.encoder.layer.0}); fc1's pre-activation output is
     * {@code lp + "." + names.fc1() + ".out"}, the layer's output {@code lp + ".out"}.
     *
     * @param mask attention mask (e.g. CLIP text's causal mask), or null
     */
    public static SDVariable apply(Params p, String lp, SDVariable x, Names n, Activation act, Shape s,
                                   Layers.AttentionMask mask) {
        int hs = s.hidden();
        SDVariable ln1 = p.layerNorm(lp + "." + n.ln1(), lp + "." + n.ln1() + ".out", x, hs, s.eps());
        SDVariable q = p.dense(lp + "." + n.q(), ln1, hs, hs);
        SDVariable k = p.dense(lp + "." + n.k(), ln1, hs, hs);
        SDVariable v = p.dense(lp + "." + n.v(), ln1, hs, hs);
        SDVariable ctx = Layers.attention(p.sd(), lp + ".attention_context", q, k, v, mask, s.headShape(), s.flatShape(), s.headDim());
        SDVariable a = p.dense(lp + "." + n.out(), ctx, hs, hs).add(x);
        SDVariable ln2 = p.layerNorm(lp + "." + n.ln2(), lp + "." + n.ln2() + ".out", a, hs, s.eps());
        SDVariable inter = p.dense(lp + "." + n.fc1(), ln2, s.intermediate(), hs);
        SDVariable h = act == Activation.GELU ? Layers.gelu(p.sd(), lp + ".act", inter) : Layers.quickGelu(p.sd(), lp + ".act", inter);
        return p.sd().identity(lp + ".out", p.dense(lp + "." + n.fc2(), h, hs, s.intermediate()).add(a));
    }
}
