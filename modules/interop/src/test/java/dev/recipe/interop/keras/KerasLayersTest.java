package dev.recipe.interop.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.recipe.nn.GradientCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer table beyond 48net, on small Keras-format files written here (random weights) and checked against the
 * plain-loop reference {@link Ref}: "same" convolution with strides, ZeroPadding2D, BatchNormalization (inference),
 * average and max pooling, GlobalAveragePooling2D, Flatten (both data formats), Dropout, merge layers, a layer shared
 * by two calls, Reshape, Permute and the activation layers; Sequential (Keras 2.2's bare list) and Functional configs.
 */
class KerasLayersTest {
    static final double TOL = 1e-5;

    @TempDir
    Path dir;

    private static String layer(String cls, String name, String cfg, String... inputs) {
        StringBuilder in = new StringBuilder();
        for (String i : inputs) in.append(in.length() > 0 ? ", " : "").append("[\"").append(i.replace("#1", "\", 1, 0, {}]").replace("#0", "")).append(i.contains("#1") ? "" : "\", 0, 0, {}]");
        return "{\"class_name\": \"" + cls + "\", \"name\": \"" + name + "\", \"config\": {\"name\": \"" + name + "\"" + (cfg.isEmpty() ? "" : ", " + cfg)
                + "}, \"inbound_nodes\": " + (inputs.length == 0 ? "[]" : "[[" + in + "]]") + "}";
    }

    private static String functional(List<String> layers, String inputs, String outputs) {
        return "{\"class_name\": \"Model\", \"config\": {\"name\": \"m\", \"layers\": [" + String.join(",\n", layers)
                + "], \"input_layers\": " + inputs + ", \"output_layers\": " + outputs + "}}";
    }

    static INDArray input(DataType type, long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, shape).muli(2).subi(1).castTo(type);
    }

    // ---- model A: a small CNN with two outputs ----

    private Path cnn(KerasTestFiles.Weights w) {
        w.random("conv", "kernel", -0.5, 0.5, 3, 3, 3, 4);
        w.random("conv", "bias", -0.1, 0.1, 4);
        w.random("bn", "gamma", 0.5, 1.5, 4);
        w.random("bn", "beta", -0.5, 0.5, 4);
        w.random("bn", "moving_mean", -0.2, 0.2, 4);
        w.random("bn", "moving_variance", 0.5, 1.5, 4);
        w.random("probs", "kernel", -0.5, 0.5, 20, 3);
        w.random("probs", "bias", -0.1, 0.1, 3);
        w.random("reg", "kernel", -0.5, 0.5, 16, 2);
        w.random("reg", "bias", -0.1, 0.1, 2);
        List<String> layers = List.of(
                layer("InputLayer", "img", "\"batch_input_shape\": [null, 7, 6, 3], \"dtype\": \"float32\""),
                layer("ZeroPadding2D", "pad", "\"padding\": [[1, 2], [0, 1]], \"data_format\": \"channels_last\"", "img"),
                layer("Conv2D", "conv", "\"filters\": 4, \"kernel_size\": [3, 3], \"strides\": [2, 2], \"padding\": \"same\", "
                        + "\"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"relu\", \"use_bias\": true", "pad"),
                layer("BatchNormalization", "bn", "\"axis\": [3], \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true, \"scale\": true", "conv"),
                layer("AveragePooling2D", "avg", "\"pool_size\": [2, 2], \"strides\": [1, 1], \"padding\": \"same\", \"data_format\": \"channels_last\"", "bn"),
                layer("Activation", "act", "\"activation\": \"tanh\"", "bn"),
                layer("Add", "add", "", "avg", "act"),
                layer("GlobalAveragePooling2D", "gap", "\"data_format\": \"channels_last\"", "add"),
                layer("MaxPooling2D", "mp", "\"pool_size\": [2, 2], \"strides\": null, \"padding\": \"valid\", \"data_format\": \"channels_last\"", "add"),
                layer("Flatten", "flat", "\"data_format\": \"channels_last\"", "mp"),
                layer("Dropout", "drop", "\"rate\": 0.5", "flat"),
                layer("Concatenate", "cat", "\"axis\": -1", "gap", "drop"),
                layer("Dense", "probs", "\"units\": 3, \"activation\": \"softmax\", \"use_bias\": true", "cat"),
                layer("Dense", "reg", "\"units\": 2, \"activation\": \"linear\", \"use_bias\": true", "drop"));
        Path f = dir.resolve("cnn.h5");
        KerasTestFiles.write(f, functional(layers, "[[\"img\", 0, 0]]", "[[\"probs\", 0, 0], [\"reg\", 0, 0]]"),
                List.of("img", "pad", "conv", "bn", "avg", "act", "add", "gap", "mp", "flat", "drop", "cat", "probs", "reg"), w);
        return f;
    }

    private static Map<String, Ref> cnnReference(KerasTestFiles.Weights w, Ref x) {
        Map<String, Map<String, Ref>> p = w.byLayer;
        Ref h = Ref.pad(x, 1, 2, 0, 1);
        h = Ref.map(Ref.conv2d(h, p.get("conv").get("kernel"), p.get("conv").get("bias").v(), 2, 2, true), v -> Math.max(v, 0));
        Map<String, Ref> bn = p.get("bn");
        h = Ref.batchNorm(h, bn.get("gamma").v(), bn.get("beta").v(), bn.get("moving_mean").v(), bn.get("moving_variance").v(), 1e-3);
        Ref add = Ref.add(Ref.pool(h, 2, 2, 1, 1, true, false), Ref.map(h, Math::tanh));
        Ref drop = Ref.flatten(Ref.pool(add, 2, 2, 2, 2, false, true));
        Ref cat = Ref.concatLast(Ref.globalAvg(add), drop);
        return Map.of("probs", Ref.softmax(Ref.dense(cat, p.get("probs").get("kernel"), p.get("probs").get("bias").v())),
                "reg", Ref.dense(drop, p.get("reg").get("kernel"), p.get("reg").get("bias").v()));
    }

    @Test
    void smallCnnMatchesTheReference() {
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(21);
        Path f = cnn(w);
        KerasGraph g = KerasImporter.importModel(f);
        assertEquals(List.of("probs", "reg"), List.copyOf(g.outputs().keySet()));
        assertEquals(8, g.variables().size(), g.variables().toString());
        assertEquals(Map.of("bn/moving_mean:0", "bn/moving_mean", "bn/moving_variance:0", "bn/moving_variance"), g.constants());
        assertEquals(VariableType.CONSTANT, g.variable("bn/moving_mean:0").getVariableType());
        assertEquals(VariableType.VARIABLE, g.variable("bn/gamma:0").getVariableType());
        INDArray x = input(DataType.FLOAT, 4, 3, 7, 6, 3);
        Map<String, Ref> ref = cnnReference(w, Ref.of(x));
        Map<String, INDArray> out = g.run(Map.of("img", x));
        for (String o : List.of("probs", "reg")) {
            double d = ref.get(o).maxAbsDiff(out.get(o));
            System.out.printf("small CNN %s: max |ours − reference| = %.3e%n", o, d);
            assertTrue(d < TOL, o + " differs by " + d);
        }
    }

    @Test
    void smallCnnGradientsMatchFiniteDifferences() {
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(22);
        KerasGraph g = KerasImporter.importModel(cnn(w), DataType.DOUBLE);
        SameDiff sd = g.sd();
        Nd4j.getRandom().setSeed(5);
        SDVariable loss = sd.sum(g.variable("probs").mul(sd.constant(Nd4j.randn(DataType.DOUBLE, 2, 3))))
                .add(sd.sum(g.variable("reg").mul(sd.constant(Nd4j.randn(DataType.DOUBLE, 2, 2)))));
        loss.rename("loss");
        Map<String, INDArray> ph = Map.of("img", input(DataType.DOUBLE, 6, 2, 7, 6, 3));
        List<String> vars = List.of("conv/kernel", "conv/bias", "bn/gamma", "bn/beta", "probs/kernel", "reg/kernel");
        GradientCheck.Report report = GradientCheck.check(sd, "loss", ph, vars, 6, 1e-6, 13);
        System.out.println("small CNN gradient check: " + report);
        assertTrue(report.passed(1e-5, 1e-9), report.toString());
    }

    // ---- model B: Sequential in Keras 2.2's bare-list form, Flatten(channels_first) ----

    @Test
    void sequentialWithChannelsFirstFlattenMatchesTheReference() {
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(31);
        Ref k = w.random("c", "kernel", -1, 1, 2, 2, 2, 2);
        Ref dk = w.random("d", "kernel", -0.5, 0.5, 32, 3);
        Ref db = w.random("d", "bias", -0.5, 0.5, 3);
        String cfg = """
                {"class_name": "Sequential", "config": [
                  {"class_name": "Conv2D", "config": {"name": "c", "batch_input_shape": [null, 5, 5, 2], "dtype": "float32", "filters": 2,
                   "kernel_size": [2, 2], "strides": [1, 1], "padding": "valid", "activation": "sigmoid", "use_bias": false}},
                  {"class_name": "Flatten", "config": {"name": "f", "data_format": "channels_first"}},
                  {"class_name": "Dense", "config": {"name": "d", "units": 3, "activation": "tanh", "use_bias": true}}]}""";
        Path f = dir.resolve("seq.h5");
        KerasTestFiles.write(f, cfg, List.of("c", "f", "d"), w);
        KerasGraph g = KerasImporter.importModel(f);
        assertEquals(Map.of("c_input", "c_input"), g.inputs());
        INDArray x = input(DataType.FLOAT, 8, 3, 5, 5, 2);
        Ref h = Ref.map(Ref.conv2d(Ref.of(x), k, null, 1, 1, false), v -> 1 / (1 + Math.exp(-v)));
        // Keras's Flatten(data_format="channels_first") on a rank-4 tensor moves axis 1 last before flattening
        Ref ref = Ref.map(Ref.dense(Ref.flatten(Ref.permute(h, 0, 2, 3, 1)), dk, db.v()), Math::tanh);
        double d = ref.maxAbsDiff(g.run(Map.of("c_input", x)).get("d"));
        System.out.printf("Sequential + Flatten(channels_first): max |ours − reference| = %.3e%n", d);
        assertTrue(d < TOL, "differs by " + d);
    }

    // ---- model C: merge layers, a shared layer, Reshape, Permute and activation layers ----

    @Test
    void mergeSharedAndActivationLayersMatchTheReference() {
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(41);
        Ref ak = w.random("a", "kernel", -1, 1, 4, 4), ab = w.random("a", "bias", -0.5, 0.5, 4);
        Ref bk = w.random("b", "kernel", -1, 1, 4, 4);
        Ref sk = w.random("s", "kernel", -1, 1, 4, 4), sb = w.random("s", "bias", -0.5, 0.5, 4);
        Ref alpha = w.random("pr", "alpha", -0.5, 0.5, 1, 5);
        Ref ok = w.random("out", "kernel", -1, 1, 20, 2), ob = w.random("out", "bias", -0.5, 0.5, 2);
        List<String> layers = List.of(
                layer("InputLayer", "in", "\"batch_input_shape\": [null, 4], \"dtype\": \"float32\""),
                layer("Dense", "a", "\"units\": 4, \"activation\": \"selu\"", "in"),
                layer("Dense", "b", "\"units\": 4, \"activation\": \"softplus\", \"use_bias\": false", "in"),
                "{\"class_name\": \"Dense\", \"name\": \"s\", \"config\": {\"name\": \"s\", \"units\": 4, \"activation\": \"linear\"}, "
                        + "\"inbound_nodes\": [[[\"a\", 0, 0, {}]], [[\"b\", 0, 0, {}]]]}",
                "{\"class_name\": \"Subtract\", \"name\": \"sub\", \"config\": {\"name\": \"sub\"}, \"inbound_nodes\": [[[\"s\", 0, 0, {}], [\"s\", 1, 0, {}]]]}",
                "{\"class_name\": \"Multiply\", \"name\": \"mul\", \"config\": {\"name\": \"mul\"}, \"inbound_nodes\": [[[\"s\", 0, 0, {}], [\"s\", 1, 0, {}]]]}",
                layer("Maximum", "mx", "", "a", "b"),
                layer("Minimum", "mn", "", "a", "b"),
                "{\"class_name\": \"Average\", \"name\": \"av\", \"config\": {\"name\": \"av\"}, \"inbound_nodes\": [[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}], [\"s\", 1, 0, {}]]]}",
                layer("Concatenate", "cat", "\"axis\": 1", "sub", "mul", "mx", "mn", "av"),
                layer("Reshape", "r", "\"target_shape\": [5, -1]", "cat"),
                layer("Permute", "pm", "\"dims\": [2, 1]", "r"),
                layer("LeakyReLU", "lk", "\"alpha\": 0.2", "pm"),
                layer("ELU", "el", "\"alpha\": 0.7", "lk"),
                layer("ReLU", "rl", "\"max_value\": 0.5, \"negative_slope\": 0.0, \"threshold\": 0.0", "el"),
                layer("PReLU", "pr", "\"shared_axes\": [1]", "rl"),
                layer("Flatten", "fl", "", "pr"),
                layer("Dense", "out", "\"units\": 2, \"activation\": \"softsign\"", "fl"));
        Path f = dir.resolve("merge.h5");
        KerasTestFiles.write(f, functional(layers, "[[\"in\", 0, 0]]", "[[\"out\", 0, 0], [\"s\", 1, 0]]"),
                List.of("in", "a", "b", "s", "sub", "mul", "mx", "mn", "av", "cat", "r", "pm", "lk", "el", "rl", "pr", "fl", "out"), w);
        KerasGraph g = KerasImporter.importModel(f);
        assertEquals(List.of("out", "s_1"), List.copyOf(g.outputs().keySet()));
        assertSame(g.variable("s/kernel:0"), g.sd().getVariable("s/kernel"), "one variable for the shared layer");
        assertEquals(8, g.variables().size(), g.variables().toString());

        INDArray x = input(DataType.FLOAT, 12, 3, 4);
        Ref xr = Ref.of(x);
        double scale = 1.0507009873554805, lam = 1.6732632423543772;
        Ref a = Ref.map(Ref.dense(xr, ak, ab.v()), v -> v > 0 ? scale * v : scale * lam * (Math.exp(v) - 1));
        Ref b = Ref.map(Ref.dense(xr, bk, null), v -> Math.log1p(Math.exp(v)));
        Ref s1 = Ref.dense(a, sk, sb.v()), s2 = Ref.dense(b, sk, sb.v());
        Ref sub = Ref.add(s1, Ref.map(s2, v -> -v));
        double[] mul = new double[s1.v().length], mx = new double[mul.length], mn = new double[mul.length], av = new double[mul.length];
        for (int i = 0; i < mul.length; i++) {
            mul[i] = s1.v()[i] * s2.v()[i];
            mx[i] = Math.max(a.v()[i], b.v()[i]);
            mn[i] = Math.min(a.v()[i], b.v()[i]);
            av[i] = (a.v()[i] + b.v()[i] + s2.v()[i]) / 3;
        }
        Ref cat = Ref.concatLast(Ref.concatLast(Ref.concatLast(Ref.concatLast(sub, new Ref(s1.shape(), mul)),
                new Ref(s1.shape(), mx)), new Ref(s1.shape(), mn)), new Ref(s1.shape(), av));
        Ref h = Ref.permute(new Ref(new long[] {3, 5, 4}, cat.v()), 0, 2, 1);
        h = Ref.map(h, v -> v > 0 ? v : 0.2 * v);
        h = Ref.map(h, v -> v > 0 ? v : 0.7 * (Math.exp(v) - 1));
        h = Ref.map(h, v -> Math.min(Math.max(v, 0), 0.5));
        h = Ref.prelu(h, alpha);
        Ref out = Ref.map(Ref.dense(Ref.flatten(h), ok, ob.v()), v -> v / (1 + Math.abs(v)));

        Map<String, INDArray> res = g.run(Map.of("in", x));
        double d1 = out.maxAbsDiff(res.get("out")), d2 = s2.maxAbsDiff(res.get("s_1"));
        System.out.printf("merge/shared/activation model: max |ours − reference| = %.3e (out), %.3e (s_1)%n", d1, d2);
        assertTrue(d1 < TOL && d2 < TOL, "differs by " + d1 + " / " + d2);
    }

    // ---- model D: channels_first throughout (Conv2D, BatchNormalization axis 1, pooling, Flatten) ----

    @Test
    void channelsFirstModelMatchesTheReference() {
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(51);
        Ref k = w.random("conv", "kernel", -0.5, 0.5, 3, 2, 3, 4), b = w.random("conv", "bias", -0.1, 0.1, 4);
        Ref beta = w.random("bn", "beta", -0.5, 0.5, 4);
        Ref mean = w.random("bn", "moving_mean", -0.2, 0.2, 4), var = w.random("bn", "moving_variance", 0.5, 1.5, 4);
        Ref dk = w.random("d", "kernel", -0.5, 0.5, 36, 3), db = w.random("d", "bias", -0.1, 0.1, 3);
        String cf = "\"data_format\": \"channels_first\"";
        List<String> layers = List.of(
                layer("InputLayer", "x", "\"batch_input_shape\": [null, 3, 6, 5]"),
                layer("Conv2D", "conv", "\"filters\": 4, \"kernel_size\": [3, 2], \"padding\": \"same\", \"activation\": \"linear\", " + cf, "x"),
                layer("BatchNormalization", "bn", "\"axis\": 1, \"epsilon\": 0.01, \"scale\": false", "conv"),
                layer("MaxPooling2D", "mp", "\"pool_size\": [2, 2], \"padding\": \"same\", " + cf, "bn"),
                layer("Flatten", "fl", cf, "mp"),
                layer("Dense", "d", "\"units\": 3", "fl"));
        Path f = dir.resolve("cf.h5");
        KerasTestFiles.write(f, functional(layers, "[[\"x\", 0, 0]]", "[[\"d\", 0, 0]]"), List.of("x", "conv", "bn", "mp", "fl", "d"), w);
        KerasGraph g = KerasImporter.importModel(f);
        INDArray x = input(DataType.FLOAT, 14, 2, 3, 6, 5);
        // the same computation in NHWC: channels_first's Flatten moves channels last, i.e. flattens in NHWC order
        Ref h = Ref.conv2d(Ref.permute(Ref.of(x), 0, 2, 3, 1), k, b.v(), 1, 1, true);
        h = Ref.batchNorm(h, new double[] {1, 1, 1, 1}, beta.v(), mean.v(), var.v(), 0.01);
        Ref ref = Ref.dense(Ref.flatten(Ref.pool(h, 2, 2, 2, 2, true, true)), dk, db.v());
        double d = ref.maxAbsDiff(g.run(Map.of("x", x)).get("d"));
        System.out.printf("channels_first model: max |ours − reference| = %.3e%n", d);
        assertTrue(d < TOL, "differs by " + d);
    }

    // ---- model E: two inputs, Dense on a rank-3 tensor, the Softmax layer, ZeroPadding2D(n), GlobalMaxPooling2D ----

    @Test
    void twoInputsRank3DenseAndGlobalMaxPoolingMatchTheReference() {
        KerasTestFiles.Weights w = new KerasTestFiles.Weights(61);
        Ref k = w.random("d", "kernel", -1, 1, 4, 2), b = w.random("d", "bias", -0.5, 0.5, 2);
        List<String> layers = List.of(
                layer("InputLayer", "seq", "\"batch_input_shape\": [null, 3, 4]"),
                layer("InputLayer", "img", "\"batch_input_shape\": [null, 4, 4, 2]"),
                layer("Dense", "d", "\"units\": 2, \"activation\": \"relu\"", "seq"),
                layer("Softmax", "sm", "\"axis\": -1", "d"),
                layer("Flatten", "fl", "", "sm"),
                layer("ZeroPadding2D", "zp", "\"padding\": 1", "img"),
                layer("GlobalMaxPooling2D", "gmp", "", "zp"),
                layer("Concatenate", "cat", "", "fl", "gmp"));
        Path f = dir.resolve("two.h5");
        KerasTestFiles.write(f, functional(layers, "[[\"seq\", 0, 0], [\"img\", 0, 0]]", "[[\"cat\", 0, 0]]"),
                List.of("seq", "img", "d", "sm", "fl", "zp", "gmp", "cat"), w);
        KerasGraph g = KerasImporter.importModel(f);
        assertEquals(List.of("seq", "img"), List.copyOf(g.inputs().keySet()));
        INDArray seq = input(DataType.FLOAT, 15, 2, 3, 4), img = input(DataType.FLOAT, 16, 2, 4, 4, 2);
        Ref d = Ref.dense(new Ref(new long[] {6, 4}, Ref.of(seq).v()), k, b.v());
        Ref fl = new Ref(new long[] {2, 6}, Ref.softmax(Ref.map(new Ref(new long[] {2, 3, 2}, d.v()), v -> Math.max(v, 0))).v());
        // the padding zeros take part in the maximum: ZeroPadding2D really adds pixels
        Ref gmp = Ref.pool(Ref.pad(Ref.of(img), 1, 1, 1, 1), 6, 6, 6, 6, false, true);
        Ref ref = Ref.concatLast(fl, new Ref(new long[] {2, 2}, gmp.v()));
        double diff = ref.maxAbsDiff(g.run(Map.of("seq", seq, "img", img)).get("cat"));
        System.out.printf("two inputs, rank-3 Dense, GlobalMaxPooling2D: max |ours − reference| = %.3e%n", diff);
        assertTrue(diff < TOL, "differs by " + diff);
    }
}
