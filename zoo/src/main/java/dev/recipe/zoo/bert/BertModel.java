package dev.recipe.zoo.bert;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.recipe.core.ConfigException;
import dev.recipe.core.SafeTensors;
import dev.recipe.zoo.ModelSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A BERT-family SameDiff graph with its config, heads and {@link ModelSpec}; weights load from and save to
 * HuggingFace-named safetensors ({@code config.json} + {@code model.safetensors} in a directory).
 */
public final class BertModel {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final SameDiff sd;
    private final BertConfig config;
    private final Bert.Heads heads;
    private final ModelSpec spec;

    BertModel(SameDiff sd, BertConfig config, Bert.Heads heads, ModelSpec spec) {
        this.sd = sd;
        this.config = config;
        this.heads = heads;
        this.spec = spec;
    }

    public SameDiff graph() { return sd; }
    public BertConfig config() { return config; }
    public Bert.Heads heads() { return heads; }
    public ModelSpec spec() { return spec; }

    /** All trainable-kind variables (the weights), by name, in name order. Arrays are live views. */
    public Map<String, INDArray> weights() {
        Map<String, INDArray> out = new TreeMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) out.put(v.name(), v.getArr());
        }
        return out;
    }

    /**
     * Copies the given tensors into the graph's variables with the same names. Every tensor must match a variable's
     * shape; graph variables absent from {@code tensors} are listed in the result (e.g. a fresh classifier) and keep
     * their initialisation. Tensors the graph has no variable for are an error unless {@code allowUnused} (e.g. a
     * pre-training head when loading for classification).
     */
    public List<String> loadWeights(Map<String, INDArray> tensors, boolean allowUnused, String source) {
        Map<String, INDArray> own = weights();
        List<String> unused = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray target = own.get(e.getKey());
            if (target == null) {
                unused.add(e.getKey());
                continue;
            }
            if (!Arrays.equals(target.shape(), e.getValue().shape())) {
                throw new ConfigException(source + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + " but the " + config.modelType() + " graph expects "
                        + Arrays.toString(target.shape()) + " (config " + config + ")");
            }
        }
        if (!unused.isEmpty() && !allowUnused) {
            throw new ConfigException(source + ": tensors with no matching variable in the graph: " + unused);
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : own.entrySet()) {
            INDArray src = tensors.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else e.getValue().assign(src.castTo(e.getValue().dataType()));
        }
        return missing;
    }

    /** Writes {@code config.json} and {@code model.safetensors} (each atomically) into {@code dir}. */
    public void save(Path dir, Map<String, String> metadata) {
        config.write(dir.resolve(CONFIG_FILE));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        if (metadata != null) meta.putAll(metadata);
        SafeTensors.write(dir.resolve(WEIGHTS_FILE), weights(), meta);
    }

    /**
     * Loads a model directory into a new graph with the given heads. Weights the heads need but the directory lacks
     * (a fresh classifier) keep their seeded initialisation; tensors the heads do not use are ignored.
     */
    public static BertModel load(Path dir, Bert.Heads heads, DataType dt, long seed) {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir + ": model directory not found");
        BertConfig config = BertConfig.read(dir.resolve(CONFIG_FILE));
        BertModel model = Bert.build(config, heads, dt, seed);
        Path weights = dir.resolve(WEIGHTS_FILE);
        List<String> missing = model.loadWeights(SafeTensors.read(weights).tensors(), true, weights.toString());
        for (String name : missing) {
            if (!name.startsWith("classifier.") && !name.contains(".pooler.")) {
                throw new ConfigException(weights + ": missing tensor '" + name + "' needed by the " + config.modelType()
                        + " encoder");
            }
        }
        return model;
    }

    /**
     * Re-draws every weight whose name matches {@code regex} with the initialisation {@link Bert#build} uses
     * (HuggingFace's: matrices and embeddings normal(0, initializer_range), biases zero, LayerNorm gains one), e.g.
     * {@code "\\.pooler\\."} for the pooler or {@code "\\.encoder\\.layer\\.3\\."} for the last mini layer.
     *
     * @return the names re-initialised, in name order
     * @throws IllegalArgumentException if nothing matches
     */
    public List<String> reinitialise(String regex, long seed) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed);
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : weights().entrySet()) {
            if (!pattern.matcher(e.getKey()).find()) continue;
            INDArray w = e.getValue();
            if (e.getKey().endsWith("LayerNorm.weight") || e.getKey().endsWith("layer_norm.weight")) w.assign(1);
            else if (w.rank() == 1) w.assign(0);
            else w.assign(org.nd4j.linalg.factory.Nd4j.randn(w.dataType(), w.shape()).muli(config.initializerRange()));
            done.add(e.getKey());
        }
        if (done.isEmpty()) throw new IllegalArgumentException("no weight matches '" + regex + "'");
        return done;
    }

    public long parameterCount() {
        return weights().values().stream().mapToLong(INDArray::length).sum();
    }
}
