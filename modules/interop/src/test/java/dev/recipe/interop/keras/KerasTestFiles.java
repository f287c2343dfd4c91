package dev.recipe.interop.keras;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

/**
 * Writes small Keras-format HDF5 files for tests (jhdf's writer): root attributes model_config, keras_version and
 * backend, and model_weights/&lt;layer&gt;/&lt;layer&gt;/&lt;role&gt;:0 datasets listed in weight_names, as Keras 2 lays them out.
 * One difference: Keras also writes an empty group (and lists it in layer_names) for each layer without weights; jhdf
 * 0.13's writer produces an unreadable file when a group has no children (measured: "Object header v2 signature not
 * matched" on reading), so those layers are left out, which the importer accepts.
 */
final class KerasTestFiles {
    private KerasTestFiles() {}

    /** Weights of one model: layer → (role → tensor), in Keras's weight order. */
    static final class Weights {
        final Map<String, Map<String, Ref>> byLayer = new LinkedHashMap<>();
        private final SplittableRandom rnd;

        Weights(long seed) {
            rnd = new SplittableRandom(seed);
        }

        /** Adds a weight of uniform random values in [lo, hi) and returns it. */
        Ref random(String layer, String role, double lo, double hi, long... shape) {
            int n = 1;
            for (long d : shape) n *= (int) d;
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble()); // float32-representable
            Ref r = new Ref(shape, v);
            byLayer.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(role, r);
            return r;
        }
    }

    static void write(Path file, String modelConfig, List<String> layerNames, Weights weights) {
        try (WritableHdfFile f = HdfFile.write(file)) {
            f.putAttribute("model_config", modelConfig);
            f.putAttribute("keras_version", "2.2.4");
            f.putAttribute("backend", "tensorflow");
            WritableGroup mw = f.putGroup("model_weights");
            List<String> withWeights = layerNames.stream().filter(weights.byLayer::containsKey).toList();
            mw.putAttribute("layer_names", withWeights.toArray(new String[0]));
            mw.putAttribute("keras_version", "2.2.4");
            for (String layer : withWeights) {
                WritableGroup g = mw.putGroup(layer);
                Map<String, Ref> ws = weights.byLayer.get(layer);
                g.putAttribute("weight_names", ws.keySet().stream().map(r -> layer + "/" + r + ":0").toArray(String[]::new));
                WritableGroup inner = g.putGroup(layer);
                for (Map.Entry<String, Ref> e : ws.entrySet()) inner.putDataset(e.getKey() + ":0", nested(e.getValue()));
            }
        }
    }

    /** A float32 Java array of the tensor's rank (jhdf takes the dataset's shape from the array). */
    private static Object nested(Ref r) {
        int[] dims = new int[r.shape().length];
        for (int i = 0; i < dims.length; i++) dims[i] = (int) r.shape()[i];
        Object arr = Array.newInstance(float.class, dims);
        fill(arr, r.v(), new int[] {0}, dims.length);
        return arr;
    }

    private static void fill(Object arr, double[] v, int[] pos, int depth) {
        int n = Array.getLength(arr);
        if (depth == 1) {
            float[] f = (float[]) arr;
            for (int i = 0; i < n; i++) f[i] = (float) v[pos[0]++];
            return;
        }
        for (int i = 0; i < n; i++) fill(Array.get(arr, i), v, pos, depth - 1);
    }
}
