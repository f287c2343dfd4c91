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
import dev.recipe.zoo.GraphWeights;
import dev.recipe.zoo.ModelSpec;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A BERT-family SameDiff graph with its config, heads and {@link ModelSpec}; weights load from and save to
 * HuggingFace-named safetensors ({@code config.json} + {@code model.safetensors} in a directory).
 */
public final class BertModel {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BertModel.class);
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final SameDiff sd;
    private final BertConfig config;
    private final Bert.Heads heads;
    private final ModelSpec spec;
    private final LoadReport loadReport;

    BertModel(SameDiff sd, BertConfig config, Bert.Heads heads, ModelSpec spec) {
        this(sd, config, heads, spec, null);
    }

    private BertModel(SameDiff sd, BertConfig config, Bert.Heads heads, ModelSpec spec, LoadReport loadReport) {
        this.sd = sd;
        this.config = config;
        this.heads = heads;
        this.spec = spec;
        this.loadReport = loadReport;
    }

    public SameDiff graph() { return sd; }
    public BertConfig config() { return config; }
    public Bert.Heads heads() { return heads; }
    public ModelSpec spec() { return spec; }
    /** What {@link #load} did; empty for a graph built by {@link Bert#build}. */
    public java.util.Optional<LoadReport> loadReport() { return java.util.Optional.ofNullable(loadReport); }

    /** All trainable-kind variables (the weights), by name, in name order. Arrays are live views. */
    public Map<String, INDArray> weights() {
        return GraphWeights.of(sd);
    }

    /**
     * Copies the given tensors into the graph's variables with the same names. Every tensor must match a variable's
     * shape; graph variables absent from {@code tensors} are listed in the result (e.g. a fresh classifier) and keep
     * their initialisation. Tensors the graph has no variable for are an error unless {@code allowUnused} (e.g. a
     * pre-training head when loading for classification).
     */
    public List<String> loadWeights(Map<String, INDArray> tensors, boolean allowUnused, String source) {
        return GraphWeights.copyInto(weights(), tensors, allowUnused, source, config.modelType() + " graph (config " + config + ")");
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
     * What {@link #load} did with a directory: where config and weights came from, whether they are HuggingFace's
     * (see {@link HuggingFace}), the config keys ignored as inert and those not recognised, tensors renamed or dropped
     * ({@code notes}), tensors of the file the graph has no variable for ({@code unusedTensors}, e.g. the next-sentence
     * head or a classifier when loading for pre-training), and graph weights absent from the file that keep their
     * seeded initialisation ({@code initialised}: the pooler of a *ForMaskedLM checkpoint, a fresh classifier).
     */
    public record LoadReport(Path config, Path weights, boolean huggingFace, List<String> architectures,
                             List<String> ignoredConfigKeys, List<String> unknownConfigKeys, List<String> notes,
                             List<String> unusedTensors, List<String> initialised) {}

    /**
     * Loads a model directory (the project's own or a HuggingFace BERT/RoBERTa checkpoint: {@link HuggingFace}) into a
     * new graph with the given heads. Weights the heads need but the directory lacks (a fresh classifier, the pooler
     * of a masked-LM checkpoint) keep their seeded initialisation; tensors the heads do not use are ignored. Both are
     * listed in {@link #loadReport()} and logged. A missing encoder or masked-LM tensor, or a tensor of the wrong
     * shape, fails naming the file, the tensor and both shapes.
     */
    public static BertModel load(Path dir, Bert.Heads heads, DataType dt, long seed) {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir + ": model directory not found");
        HuggingFace.Config cfg = HuggingFace.readConfig(dir.resolve(CONFIG_FILE));
        BertConfig config = cfg.config();
        HuggingFace.Weights file = HuggingFace.readWeights(dir);
        Path source = file.source();
        Map<String, String> renamed = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        Map<String, INDArray> tensors = HuggingFace.adapt(file.tensors(), cfg, heads, source, renamed, notes);
        BertModel model = Bert.build(config, heads, dt, seed);
        Map<String, INDArray> own = model.weights();
        String arch = cfg.architectures().isEmpty() ? "" : " (" + CONFIG_FILE + " architectures: " + cfg.architectures() + ")";
        boolean anyEncoder = false;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray target = own.get(e.getKey());
            if (target == null) continue;
            anyEncoder |= e.getKey().startsWith(config.prefix() + ".");
            if (!Arrays.equals(target.shape(), e.getValue().shape())) {
                String stored = renamed.containsKey(e.getKey()) ? " (stored as '" + renamed.get(e.getKey()) + "')" : "";
                String hint = e.getKey().startsWith("classifier.")
                        ? "; the checkpoint's classifier has another number of labels: load it with that many, or with "
                          + "heads that have no classifier" : "";
                throw new ConfigException(source + ": tensor '" + e.getKey() + "'" + stored + " has shape "
                        + Arrays.toString(e.getValue().shape()) + " but the " + config.modelType() + " graph built from "
                        + cfg.file() + " expects " + Arrays.toString(target.shape()) + hint);
            }
        }
        if (!anyEncoder) {
            throw new ConfigException(source + ": no tensor of the " + config.modelType() + " encoder (expected names like '"
                    + config.prefix() + ".embeddings.word_embeddings.weight'; the file's names start with "
                    + new java.util.TreeSet<>(tensors.keySet().stream().map(n -> n.split("\\.")[0]).toList()) + ")" + arch);
        }
        List<String> unused = new ArrayList<>();
        for (String name : tensors.keySet()) if (!own.containsKey(name)) unused.add(name);
        List<String> missing = model.loadWeights(tensors, true, source.toString());
        for (String name : missing) {
            if (!name.startsWith("classifier.") && !name.startsWith(config.prefix() + ".pooler.")) {
                String part = name.startsWith(config.prefix() + ".") ? "encoder" : "masked-LM head";
                throw new ConfigException(source + ": missing tensor '" + name + "' needed by the " + config.modelType()
                        + " " + part + arch);
            }
        }
        LoadReport report = new LoadReport(cfg.file(), source, cfg.huggingFace(), cfg.architectures(), cfg.ignoredKeys(),
                cfg.unknownKeys(), List.copyOf(notes), List.copyOf(unused), List.copyOf(missing));
        if (!report.unknownConfigKeys().isEmpty()) {
            LOG.warn("{}: config keys not recognised, ignored: {}", cfg.file(), report.unknownConfigKeys());
        }
        List<String> freshEncoder = missing.stream().filter(n -> !n.startsWith("classifier.")).toList();
        if (!freshEncoder.isEmpty()) {
            LOG.warn("{}: not in the checkpoint, freshly initialised (seed {}): {}", source, seed, freshEncoder);
        }
        if (cfg.huggingFace()) { // the project's own directories load as before, silently
            if (missing.size() > freshEncoder.size()) LOG.info("{}: new classifier (seed {})", source, seed);
            if (!unused.isEmpty()) LOG.info("{}: tensors not used by the graph: {}", source, unused);
            for (String n : notes) LOG.info("{}: {}", source, n);
        }
        return new BertModel(model.sd, config, heads, model.spec, report);
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
