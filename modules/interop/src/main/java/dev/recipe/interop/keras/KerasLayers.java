package dev.recipe.interop.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recipe.interop.Value;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer table: for each supported Keras layer class, a check of its config (returning what is unsupported, or
 * null) and its translation into SameDiff ops. Tensors keep Keras's layout: a channels_last model runs NHWC end to
 * end (SameDiff's conv2d and pooling take NHWC with Keras's [kH, kW, in, out] kernel directly), so Flatten, Permute and
 * Reshape see exactly the element order Keras saw and a Dense layer after Flatten needs no reordering of its weights;
 * a channels_first layer uses NCHW and its Flatten moves channels last first, as Keras's does. Weight variables keep
 * Keras's shapes (PReLU's alpha and BatchNormalization's vectors are reshaped inside the graph for broadcasting).
 */
final class KerasLayers {
    private KerasLayers() {}

    /** Translation of one layer call. */
    interface Translation {
        Value apply(LayerContext c);
    }

    /** A table entry: the config check (null when fine) and the translation. */
    record Entry(Function<KerasModel.Layer, String> check, Translation translation) {}

    /** Activation names accepted in {@code activation} configs and the Activation layer. */
    static final Set<String> ACTIVATIONS = Set.of("linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu",
            "softplus", "softsign", "swish", "exponential");

    private static final Map<String, Entry> TABLE = build();

    static Map<String, Entry> table() {
        return Collections.unmodifiableMap(TABLE);
    }

    /** The entry of {@code className}, or null. */
    static Entry get(String className) {
        return TABLE.get(className);
    }

    /** What keeps {@code l} from being translated, or null when it is supported. */
    static String problem(KerasModel.Layer l) {
        Entry e = TABLE.get(l.className());
        if (e == null) return "unsupported layer class";
        return e.check().apply(l);
    }

    /** The roles of the weights a layer stores, in Keras's order (kernel, bias; gamma, beta, moving_mean, ...). */
    static List<String> weightRoles(KerasModel.Layer l) {
        JsonNode c = l.config();
        return switch (l.className()) {
            case "Conv2D", "Convolution2D", "Dense" -> c.path("use_bias").asBoolean(true) ? List.of("kernel", "bias") : List.of("kernel");
            case "PReLU" -> List.of("alpha");
            case "BatchNormalization" -> {
                List<String> r = new ArrayList<>();
                if (c.path("scale").asBoolean(true)) r.add("gamma");
                if (c.path("center").asBoolean(true)) r.add("beta");
                r.add("moving_mean");
                r.add("moving_variance");
                yield r;
            }
            default -> List.of();
        };
    }

    /** Weights that Keras itself does not train (BatchNormalization's running statistics): imported as constants. */
    static boolean trainable(String role) {
        return !role.equals("moving_mean") && !role.equals("moving_variance");
    }

    private static Map<String, Entry> build() {
        Map<String, Entry> t = new TreeMap<>();
        Entry conv = new Entry(l -> firstProblem(activationProblem(l), paddingProblem(l), dataFormatProblem(l),
                l.config().path("groups").asInt(1) != 1 ? "groups=" + l.config().get("groups") + " (grouped convolution)" : null),
                KerasLayers::conv2d);
        t.put("Conv2D", conv);
        t.put("Convolution2D", conv);
        t.put("Dense", new Entry(KerasLayers::activationProblem, KerasLayers::dense));
        Entry maxPool = new Entry(l -> firstProblem(paddingProblem(l), dataFormatProblem(l)), c -> pool2d(c, true));
        Entry avgPool = new Entry(l -> firstProblem(paddingProblem(l), dataFormatProblem(l)), c -> pool2d(c, false));
        t.put("MaxPooling2D", maxPool);
        t.put("MaxPool2D", maxPool);
        t.put("AveragePooling2D", avgPool);
        t.put("AvgPool2D", avgPool);
        Entry gap = new Entry(KerasLayers::dataFormatProblem, c -> globalPool2d(c, false));
        Entry gmp = new Entry(KerasLayers::dataFormatProblem, c -> globalPool2d(c, true));
        t.put("GlobalAveragePooling2D", gap);
        t.put("GlobalAvgPool2D", gap);
        t.put("GlobalMaxPooling2D", gmp);
        t.put("GlobalMaxPool2D", gmp);
        t.put("Flatten", new Entry(KerasLayers::dataFormatProblem, KerasLayers::flatten));
        t.put("Permute", new Entry(l -> null, KerasLayers::permute));
        t.put("Reshape", new Entry(l -> null, KerasLayers::reshape));
        t.put("ZeroPadding2D", new Entry(KerasLayers::dataFormatProblem, KerasLayers::zeroPadding2d));
        // regularisation layers: identity at inference (the imported graph is the inference graph)
        Entry identity = new Entry(l -> null, c -> c.in());
        for (String n : List.of("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
                "AlphaDropout", "ActivityRegularization")) {
            t.put(n, identity);
        }
        t.put("Activation", new Entry(KerasLayers::activationProblem,
                c -> Value.of(activation(c, c.string("activation", "linear"), c.in()), c.in().shape())));
        t.put("ReLU", new Entry(l -> l.config().path("threshold").asDouble(0) != 0 ? "threshold="
                + l.config().get("threshold") + " (only 0 is supported)" : null, KerasLayers::reluLayer));
        t.put("LeakyReLU", new Entry(l -> null, c -> {
            double a = c.cfg("negative_slope") != null ? c.number("negative_slope", 0.3) : c.number("alpha", 0.3);
            return Value.of(c.sd().nn.leakyRelu(c.in().var(), a), c.in().shape());
        }));
        t.put("PReLU", new Entry(l -> null, KerasLayers::prelu));
        t.put("ELU", new Entry(l -> null, c -> Value.of(elu(c.sd(), c.in().var(), c.number("alpha", 1.0)), c.in().shape())));
        t.put("Softmax", new Entry(l -> {
            JsonNode ax = l.config().get("axis");
            return ax == null || ax.isNull() || (ax.isInt() && ax.asInt() == -1) ? null : "axis=" + ax + " (only the last axis is supported)";
        }, c -> Value.of(c.sd().nn.softmax(c.in().var(), c.in().rank() - 1), c.in().shape())));
        t.put("BatchNormalization", new Entry(l -> {
            JsonNode ax = l.config().get("axis");
            return ax != null && ax.isArray() && ax.size() != 1 ? "axis=" + ax + " (normalisation over several axes)" : null;
        }, KerasLayers::batchNorm));
        t.put("Add", new Entry(l -> null, c -> merge(c, SDVariable::add)));
        t.put("Subtract", new Entry(l -> null, c -> {
            if (c.inputCount() != 2) throw c.fail("Subtract needs exactly 2 inputs, got " + c.inputCount());
            return Value.of(c.in(0).var().sub(c.in(1).var()), c.in(0).shape());
        }));
        t.put("Multiply", new Entry(l -> null, c -> merge(c, SDVariable::mul)));
        t.put("Average", new Entry(l -> null, c -> {
            Value sum = merge(c, SDVariable::add);
            return Value.of(sum.var().div(c.inputCount()), sum.shape());
        }));
        t.put("Maximum", new Entry(l -> null, c -> merge(c, (a, b) -> c.sd().math.max(a, b))));
        t.put("Minimum", new Entry(l -> null, c -> merge(c, (a, b) -> c.sd().math.min(a, b))));
        t.put("Concatenate", new Entry(l -> null, KerasLayers::concatenate));
        return t;
    }

    @SafeVarargs
    private static <T> T firstProblem(T... problems) {
        for (T p : problems) if (p != null) return p;
        return null;
    }

    private static String activationProblem(KerasModel.Layer l) {
        JsonNode a = l.config().get("activation");
        if (a == null || a.isNull()) return null;
        if (!a.isTextual()) return "activation " + a + " (only named activations are supported)";
        return ACTIVATIONS.contains(a.asText()) ? null : "activation '" + a.asText() + "'";
    }

    private static String paddingProblem(KerasModel.Layer l) {
        String p = l.config().path("padding").asText("valid");
        return p.equals("valid") || p.equals("same") ? null : "padding '" + p + "'";
    }

    private static String dataFormatProblem(KerasModel.Layer l) {
        JsonNode f = l.config().get("data_format");
        if (f == null || f.isNull()) return null;
        String s = f.asText();
        return s.equals("channels_last") || s.equals("channels_first") ? null : "data_format '" + s + "'";
    }

    static long[] pair(JsonNode n, long[] dflt) {
        if (n == null || n.isNull()) return dflt == null ? null : dflt.clone();
        if (n.canConvertToLong() && !n.isArray()) return new long[] {n.asLong(), n.asLong()};
        if (n.isArray() && n.size() == 2) return new long[] {n.get(0).asLong(), n.get(1).asLong()};
        throw new IllegalArgumentException("expected a number or a pair of numbers, got " + n);
    }

    // ---- activations ----

    /** Applies a named Keras activation (softmax over the last axis, as Keras does). */
    static SDVariable activation(LayerContext c, String name, Value x) {
        SameDiff sd = c.sd();
        SDVariable v = x.var();
        return switch (name) {
            case "linear" -> v;
            case "relu" -> sd.nn.relu(v, 0);
            case "sigmoid" -> sd.nn.sigmoid(v);
            case "tanh" -> sd.math.tanh(v);
            case "softmax" -> sd.nn.softmax(v, x.rank() - 1);
            case "elu" -> elu(sd, v, 1.0);
            case "selu" -> sd.nn.selu(v);
            case "softplus" -> sd.nn.softplus(v);
            case "softsign" -> sd.nn.softsign(v);
            case "swish" -> v.mul(sd.nn.sigmoid(v));
            case "exponential" -> sd.math.exp(v);
            default -> throw c.fail("activation '" + name + "' is not supported");
        };
    }

    private static Value withActivation(LayerContext c, SDVariable y, long[] shape) {
        JsonNode a = c.cfg("activation");
        Value v = Value.of(y, shape);
        return a == null ? v : Value.of(activation(c, a.asText(), v), shape);
    }

    /** {@code x > 0 ? x : alpha·(exp(x) − 1)}, built from relu so that it differentiates everywhere SameDiff can. */
    private static SDVariable elu(SameDiff sd, SDVariable x, double alpha) {
        SDVariable pos = sd.nn.relu(x, 0);
        SDVariable neg = x.sub(pos); // min(x, 0)
        return pos.add(sd.math.exp(neg).sub(1.0).mul(alpha));
    }

    private static Value reluLayer(LayerContext c) {
        Value x = c.in();
        double slope = c.number("negative_slope", 0);
        SDVariable y = slope == 0 ? c.sd().nn.relu(x.var(), 0) : c.sd().nn.leakyRelu(x.var(), slope);
        JsonNode max = c.cfg("max_value");
        if (max != null) y = y.sub(c.sd().nn.relu(y.sub(max.asDouble()), 0)); // min(y, max)
        return Value.of(y, x.shape());
    }

    /**
     * {@code relu(x) + alpha·min(x, 0)}; alpha is stored with the input's shape less the batch dimension and 1 on the
     * shared axes, and is given a leading 1 here so that it broadcasts over the batch.
     */
    private static Value prelu(LayerContext c) {
        Value x = c.in();
        SDVariable alpha = c.weight("alpha");
        long[] as = alpha.getShape(), xs = x.shape();
        if (as.length != xs.length - 1) throw c.fail("alpha has shape " + Arrays.toString(as) + "; expected rank " + (xs.length - 1) + " for input " + Arrays.toString(xs));
        for (int i = 0; i < as.length; i++) {
            if (as[i] != 1 && xs[i + 1] >= 0 && as[i] != xs[i + 1]) {
                throw c.fail("alpha has shape " + Arrays.toString(as) + ", which does not broadcast over input " + Arrays.toString(xs));
            }
        }
        long[] bs = new long[xs.length];
        bs[0] = 1;
        System.arraycopy(as, 0, bs, 1, as.length);
        SDVariable a = c.sd().reshape(alpha, bs);
        SDVariable pos = c.sd().nn.relu(x.var(), 0);
        return Value.of(pos.add(a.mul(x.var().sub(pos))), xs);
    }

    // ---- convolution, dense, pooling ----

    private static long outDim(long in, long k, long s, long d, boolean same) {
        if (in < 0) return -1;
        return same ? (in + s - 1) / s : (in - d * (k - 1) - 1) / s + 1;
    }

    private static void requireRank(LayerContext c, Value x, int rank) {
        if (x.rank() != rank) throw c.fail("expected a rank-" + rank + " input (batch included), got shape " + Arrays.toString(x.shape()));
    }

    private static void requireShape(LayerContext c, SDVariable w, String role, long... expected) {
        if (!Arrays.equals(w.getShape(), expected)) {
            throw c.fail("weight '" + role + "' has shape " + Arrays.toString(w.getShape()) + ", expected " + Arrays.toString(expected));
        }
    }

    private static Value conv2d(LayerContext c) {
        Value x = c.in();
        requireRank(c, x, 4);
        boolean last = c.channelsLast();
        long[] k = c.pair("kernel_size", null), s = c.pair("strides", new long[] {1, 1}), d = c.pair("dilation_rate", new long[] {1, 1});
        if (k == null) throw c.fail("no kernel_size");
        boolean same = c.string("padding", "valid").equals("same");
        if (same && (s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1)) throw c.fail("padding 'same' with both strides and dilation");
        long[] xs = x.shape();
        long cin = last ? xs[3] : xs[1];
        SDVariable w = c.weight("kernel");
        long filters = w.getShape()[w.getShape().length - 1];
        if (c.cfg("filters") != null) filters = c.cfg("filters").asLong();
        requireShape(c, w, "kernel", k[0], k[1], cin, filters);
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(s[0]).sW(s[1]).dH(d[0]).dW(d[1])
                .paddingMode(same ? PaddingMode.SAME : PaddingMode.VALID).dataFormat(last ? "NHWC" : "NCHW")
                .weightsFormat(WeightsFormat.YXIO).build();
        SDVariable y;
        if (c.bool("use_bias", true)) {
            SDVariable b = c.weight("bias");
            requireShape(c, b, "bias", filters);
            y = c.sd().cnn.conv2d(x.var(), w, b, cfg);
        } else {
            y = c.sd().cnn.conv2d(x.var(), w, cfg);
        }
        long h = outDim(last ? xs[1] : xs[2], k[0], s[0], d[0], same), wd = outDim(last ? xs[2] : xs[3], k[1], s[1], d[1], same);
        long[] out = last ? new long[] {xs[0], h, wd, filters} : new long[] {xs[0], filters, h, wd};
        return withActivation(c, y, out);
    }

    /** Dense on the last axis; a rank > 2 input is flattened to 2-D for the product and reshaped back. */
    private static Value dense(LayerContext c) {
        Value x = c.in();
        long[] xs = x.shape();
        int r = xs.length;
        if (r < 2) throw c.fail("expected an input of rank 2 or more, got shape " + Arrays.toString(xs));
        SDVariable w = c.weight("kernel");
        long units = c.cfg("units") != null ? c.cfg("units").asLong() : w.getShape()[1];
        requireShape(c, w, "kernel", xs[r - 1], units);
        SameDiff sd = c.sd();
        SDVariable y;
        long[] out = xs.clone();
        out[r - 1] = units;
        if (r == 2) {
            y = sd.mmul(x.var(), w);
        } else {
            for (int i = 1; i < r; i++) if (xs[i] < 0) throw c.fail("Dense on a rank-" + r + " input needs static inner dimensions, got " + Arrays.toString(xs));
            SDVariable flat = sd.reshape(x.var(), -1, xs[r - 1]);
            long[] back = out.clone();
            back[0] = -1;
            y = sd.reshape(sd.mmul(flat, w), back);
        }
        if (c.bool("use_bias", true)) {
            SDVariable b = c.weight("bias");
            requireShape(c, b, "bias", units);
            y = y.add(b);
        }
        return withActivation(c, y, out);
    }

    private static Value pool2d(LayerContext c, boolean max) {
        Value x = c.in();
        requireRank(c, x, 4);
        boolean last = c.channelsLast();
        long[] p = c.pair("pool_size", new long[] {2, 2});
        long[] s = c.pair("strides", p);
        boolean same = c.string("padding", "valid").equals("same");
        // Keras (TensorFlow) pools "same" windows over the real pixels only: max ignores the padding, average divides by
        // the number of real pixels (EXCLUDE_PADDING)
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(p[0]).kW(p[1]).sH(s[0]).sW(s[1]).dH(1).dW(1)
                .type(max ? Pooling2D.Pooling2DType.MAX : Pooling2D.Pooling2DType.AVG)
                .divisor(Pooling2D.Divisor.EXCLUDE_PADDING)
                .paddingMode(same ? PaddingMode.SAME : PaddingMode.VALID).isNHWC(last).build();
        SDVariable y = max ? c.sd().cnn.maxPooling2d(x.var(), cfg) : c.sd().cnn.avgPooling2d(x.var(), cfg);
        long[] xs = x.shape();
        long h = outDim(last ? xs[1] : xs[2], p[0], s[0], 1, same), w = outDim(last ? xs[2] : xs[3], p[1], s[1], 1, same);
        return Value.of(y, last ? new long[] {xs[0], h, w, xs[3]} : new long[] {xs[0], xs[1], h, w});
    }

    private static Value globalPool2d(LayerContext c, boolean max) {
        Value x = c.in();
        requireRank(c, x, 4);
        boolean last = c.channelsLast();
        boolean keep = c.bool("keepdims", false);
        int[] axes = last ? new int[] {1, 2} : new int[] {2, 3};
        SDVariable y = max ? x.var().max(keep, axes) : x.var().mean(keep, axes);
        long[] xs = x.shape();
        long ch = last ? xs[3] : xs[1];
        long[] out = !keep ? new long[] {xs[0], ch} : last ? new long[] {xs[0], 1, 1, ch} : new long[] {xs[0], ch, 1, 1};
        return Value.of(y, out);
    }

    // ---- shape layers ----

    private static long staticProduct(LayerContext c, long[] xs, int from) {
        long n = 1;
        for (int i = from; i < xs.length; i++) {
            if (xs[i] < 0) throw c.fail("needs every non-batch dimension known at import time, got " + Arrays.toString(xs));
            n *= xs[i];
        }
        return n;
    }

    /** Keras's Flatten: channels_first inputs are first permuted to channels-last order, then flattened row-major. */
    private static Value flatten(LayerContext c) {
        Value x = c.in();
        long[] xs = x.shape();
        int r = xs.length;
        if (r < 2) throw c.fail("expected an input of rank 2 or more, got " + Arrays.toString(xs));
        SDVariable v = x.var();
        if (!c.channelsLast() && r >= 3) {
            int[] perm = new int[r];
            perm[0] = 0;
            for (int i = 2; i < r; i++) perm[i - 1] = i;
            perm[r - 1] = 1;
            v = c.sd().permute(v, perm);
        }
        long n = staticProduct(c, xs, 1);
        return Value.of(c.sd().reshape(v, -1, n), xs[0], n);
    }

    /** Permute(dims): dims are 1-based and exclude the batch dimension. */
    private static Value permute(LayerContext c) {
        Value x = c.in();
        long[] xs = x.shape();
        JsonNode dims = c.cfg("dims");
        if (dims == null || !dims.isArray() || dims.size() != xs.length - 1) {
            throw c.fail("dims " + dims + " do not match input shape " + Arrays.toString(xs));
        }
        int[] perm = new int[xs.length];
        boolean[] seen = new boolean[xs.length];
        long[] out = new long[xs.length];
        out[0] = xs[0];
        for (int i = 0; i < dims.size(); i++) {
            int d = dims.get(i).asInt();
            if (d < 1 || d >= xs.length || seen[d]) throw c.fail("dims " + dims + " is not a permutation of 1.." + (xs.length - 1));
            seen[d] = true;
            perm[i + 1] = d;
            out[i + 1] = xs[d];
        }
        return Value.of(c.sd().permute(x.var(), perm), out);
    }

    private static Value reshape(LayerContext c) {
        Value x = c.in();
        long[] xs = x.shape();
        JsonNode t = c.cfg("target_shape");
        if (t == null || !t.isArray()) throw c.fail("no target_shape");
        long total = staticProduct(c, xs, 1);
        long[] out = new long[t.size() + 1];
        out[0] = xs[0];
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < t.size(); i++) {
            long d = t.get(i).asLong();
            if (d == -1) {
                if (unknown >= 0) throw c.fail("target_shape " + t + " has more than one -1");
                unknown = i + 1;
            } else {
                known *= d;
            }
            out[i + 1] = d;
        }
        if (unknown >= 0) {
            if (known == 0 || total % known != 0) throw c.fail("cannot reshape " + Arrays.toString(xs) + " to " + t);
            out[unknown] = total / known;
        } else if (known != total) {
            throw c.fail("cannot reshape " + Arrays.toString(xs) + " (" + total + " values per example) to " + t);
        }
        long[] target = out.clone();
        target[0] = -1;
        return Value.of(c.sd().reshape(x.var(), target), out);
    }

    /** ZeroPadding2D: padding as n, [h, w] or [[top, bottom], [left, right]]. */
    private static Value zeroPadding2d(LayerContext c) {
        Value x = c.in();
        requireRank(c, x, 4);
        JsonNode p = c.cfg("padding");
        long[][] hw;
        if (p == null) {
            hw = new long[][] {{1, 1}, {1, 1}};
        } else if (p.isArray() && p.size() == 2 && p.get(0).isArray()) {
            hw = new long[][] {pair(p.get(0), null), pair(p.get(1), null)};
        } else {
            long[] q = pair(p, null);
            hw = new long[][] {{q[0], q[0]}, {q[1], q[1]}};
        }
        boolean last = c.channelsLast();
        int hAxis = last ? 1 : 2;
        long[][] pads = new long[4][2];
        pads[hAxis] = hw[0];
        pads[hAxis + 1] = hw[1];
        SDVariable padding = c.sd().constant(Nd4j.createFromArray(pads).castTo(org.nd4j.linalg.api.buffer.DataType.INT));
        long[] out = x.shape();
        for (int a = hAxis; a <= hAxis + 1; a++) if (out[a] >= 0) out[a] += pads[a][0] + pads[a][1];
        return Value.of(c.sd().nn.pad(x.var(), padding, 0.0), out);
    }

    // ---- normalisation and merging ----

    /**
     * Inference-form BatchNormalization: {@code (x − moving_mean) · gamma / sqrt(moving_variance + epsilon) + beta}
     * over {@code axis} (default −1); the moving statistics are constants, gamma and beta trainable.
     */
    private static Value batchNorm(LayerContext c) {
        Value x = c.in();
        long[] xs = x.shape();
        int r = xs.length;
        JsonNode ax = c.cfg("axis");
        int a0 = ax == null ? -1 : ax.isArray() ? ax.get(0).asInt() : ax.asInt();
        final int axis = a0 < 0 ? a0 + r : a0;
        if (axis <= 0 || axis >= r) throw c.fail("axis " + ax + " is out of range for input " + Arrays.toString(xs));
        long ch = xs[axis];
        double eps = c.number("epsilon", 1e-3);
        SameDiff sd = c.sd();
        long[] bshape = new long[r - axis];
        Arrays.fill(bshape, 1);
        bshape[0] = ch;
        Function<String, SDVariable> param = role -> {
            SDVariable v = c.weight(role);
            requireShape(c, v, role, ch);
            return axis == r - 1 ? v : sd.reshape(v, bshape);
        };
        SDVariable mean = param.apply("moving_mean"), var = param.apply("moving_variance");
        SDVariable scale = sd.math.rsqrt(var.add(eps));
        if (c.bool("scale", true)) scale = scale.mul(param.apply("gamma"));
        SDVariable y = x.var().sub(mean).mul(scale);
        if (c.bool("center", true)) y = y.add(param.apply("beta"));
        return Value.of(y, xs);
    }

    private static Value merge(LayerContext c, java.util.function.BinaryOperator<SDVariable> op) {
        if (c.inputCount() < 2) throw c.fail("a merge layer needs at least 2 inputs, got " + c.inputCount());
        long[] s = c.in(0).shape();
        SDVariable y = c.in(0).var();
        for (int i = 1; i < c.inputCount(); i++) {
            if (c.in(i).rank() != s.length) throw c.fail("inputs of different ranks: " + Arrays.toString(s) + " and " + Arrays.toString(c.in(i).shape()));
            y = op.apply(y, c.in(i).var());
        }
        return Value.of(y, s);
    }

    private static Value concatenate(LayerContext c) {
        if (c.inputCount() < 2) throw c.fail("Concatenate needs at least 2 inputs, got " + c.inputCount());
        int r = c.in(0).rank();
        int axis = (int) c.number("axis", -1);
        if (axis < 0) axis += r;
        if (axis <= 0 || axis >= r) throw c.fail("axis " + c.cfg("axis") + " is out of range for rank " + r);
        long[] out = c.in(0).shape();
        SDVariable[] vs = new SDVariable[c.inputCount()];
        for (int i = 0; i < vs.length; i++) {
            Value v = c.in(i);
            if (v.rank() != r) throw c.fail("inputs of different ranks");
            vs[i] = v.var();
            if (i > 0) out[axis] = out[axis] < 0 || v.shape()[axis] < 0 ? -1 : out[axis] + v.shape()[axis];
        }
        return Value.of(c.sd().concat(axis, vs), out);
    }
}
