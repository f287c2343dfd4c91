package dev.recipe.zoo.vision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.SafeTensors;
import dev.recipe.zoo.GraphWeights;
import dev.recipe.zoo.clip.Clip;
import dev.recipe.zoo.clip.ClipConfig;
import dev.recipe.zoo.vgg.Vgg;
import dev.recipe.zoo.vgg.VggConfig;
import dev.recipe.zoo.vit.Vit;
import dev.recipe.zoo.vit.VitConfig;
import dev.recipe.nn.SameDiffFixes;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The vision families by {@code model_type} and what every one of them shares: the directory format (config.json with
 * the architecture's keys plus {@code model_type}, {@code num_labels} and {@code pretraining_head}; model.safetensors
 * with the graph's variable names), loading with the saved or a fresh head, and the named presets. Adding a family
 * is one line in {@link #FAMILIES}.
 */
public final class VisionModels {
    private VisionModels() {}

    private static final String MODEL_TYPE = "model_type", NUM_LABELS = "num_labels", PRETRAINING = "pretraining_head";

    /** Builds a family's graph from its config record. */
    private interface Builder<C extends Record> {
        VisionModel build(C config, int numLabels, boolean pretraining, DataType dt, long seed);
    }

    /**
     * One family: its config record, its builder, which tensors belong to a head (dropped when a model is loaded with
     * another head: the classifier; CLIP's text tower and projections too), its named presets, and how a config is
     * fitted to a pre-training task's classes (CLIP: one prompt a class; the others: unchanged).
     */
    private record Family<C extends Record>(Class<C> configType, Builder<C> builder, Predicate<String> head,
                                            Map<String, C> presets, BiFunction<C, List<String>, C> forClasses) {
        Record fitted(Record config, List<String> classes) {
            return forClasses.apply(configType.cast(config), classes);
        }

        VisionModel build(Record config, int numLabels, boolean pretraining, DataType dt, long seed) {
            return builder.build(configType.cast(config), numLabels, pretraining, dt, seed);
        }
    }

    private static final Map<String, Family<?>> FAMILIES = new LinkedHashMap<>();

    static {
        Predicate<String> classifier = n -> n.startsWith("classifier.");
        FAMILIES.put("vit", new Family<>(VitConfig.class, Vit::build, classifier,
                presets("mini", VitConfig.mini(), "small", VitConfig.small(), "tiny", VitConfig.tiny()), (c, classes) -> c));
        FAMILIES.put("vgg", new Family<>(VggConfig.class, Vgg::build, classifier,
                presets("mini", VggConfig.mini(), "tiny", VggConfig.tiny()), (c, classes) -> c));
        FAMILIES.put("clip", new Family<>(ClipConfig.class, Clip::build, n -> !n.startsWith(Clip.VISION + "."),
                presets("mini", ClipConfig.mini(), "tiny", ClipConfig.tiny()), ClipConfig::forClasses));
    }

    private static <C> Map<String, C> presets(String a, C ca, String b, C cb, String c, C cc) {
        Map<String, C> m = new LinkedHashMap<>();
        m.put(a, ca);
        m.put(b, cb);
        m.put(c, cc);
        return m;
    }

    private static <C> Map<String, C> presets(String a, C ca, String b, C cb) {
        Map<String, C> m = new LinkedHashMap<>();
        m.put(a, ca);
        m.put(b, cb);
        return m;
    }

    /** The families' {@code model_type} names. */
    public static List<String> families() {
        return List.copyOf(FAMILIES.keySet());
    }

    /** A family's named presets (e.g. "mini", "tiny"). */
    public static List<String> presets(String family) {
        return List.copyOf(family(family, "family").presets().keySet());
    }

    private static Family<?> family(String type, String where) {
        Family<?> f = FAMILIES.get(type);
        if (f == null) throw new ConfigException(where + ": unknown vision model_type '" + type + "'; known: " + families());
        return f;
    }

    /** Builds a new model of a family's named preset, HuggingFace / torchvision-style initialised. */
    public static VisionModel build(String family, String preset, int numLabels, boolean pretraining, DataType dt, long seed) {
        return family(family, "--family").build(preset(family, preset), numLabels, pretraining, dt, seed);
    }

    /**
     * Builds a new model of a family's named preset to be pre-trained on a task with these classes: one classifier
     * output a class, and for CLIP one prompt a class ("a photo of a {class}", {@link ClipConfig#forClasses}).
     */
    public static VisionModel buildForPretraining(String family, String preset, List<String> classes, DataType dt, long seed) {
        Family<?> f = family(family, "--family");
        return f.build(f.fitted(preset(family, preset), classes), classes.size(), true, dt, seed);
    }

    private static Record preset(String family, String preset) {
        Family<?> f = family(family, "--family");
        Record config = f.presets().get(preset);
        if (config == null) {
            throw new ConfigException("--config: unknown " + family + " architecture '" + preset + "'; allowed: "
                    + List.copyOf(f.presets().keySet()));
        }
        return config;
    }

    /**
     * A new empty graph for a family's builder, with the project's SameDiff fixes installed and ND4J's random generator
     * seeded (initial weights are drawn from it in definition order, so the same seed gives the same model).
     */
    public static SameDiff newGraph(int numLabels, long seed) {
        if (numLabels < 1) throw new ConfigException("numLabels must be >= 1, was " + numLabels);
        SameDiffFixes.install();
        Nd4j.getRandom().setSeed(seed);
        return SameDiff.create();
    }

    /** The {@code model_type} of a vision model directory, or null when {@code dir} holds none (e.g. a BERT). */
    public static String familyOf(Path dir) {
        Path cfg = dir.resolve(VisionModel.CONFIG_FILE);
        if (!Files.isRegularFile(cfg)) return null;
        JsonNode type = Json.readTree(cfg).get(MODEL_TYPE);
        return type != null && FAMILIES.containsKey(type.asText()) ? type.asText() : null;
    }

    /** Whether {@code dir} holds a vision model of a known family. */
    public static boolean isVision(Path dir) {
        return familyOf(dir) != null;
    }

    /** See {@link VisionModel#save}. */
    static void save(VisionModel model, Path dir, Map<String, String> metadata) {
        ObjectNode cfg = Json.MAPPER.valueToTree(model.config());
        cfg.put(MODEL_TYPE, model.spec().family());
        cfg.put(NUM_LABELS, model.numLabels());
        cfg.put(PRETRAINING, model.pretraining());
        Json.write(dir.resolve(VisionModel.CONFIG_FILE), cfg);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        if (metadata != null) meta.putAll(metadata);
        SafeTensors.write(dir.resolve(VisionModel.WEIGHTS_FILE), model.weights(), meta);
    }

    /** Loads {@code dir} with the head it was saved with (e.g. the pre-training head an attack or RECIPE continues). */
    public static VisionModel load(Path dir, DataType dt, long seed) {
        ObjectNode tree = Json.readTree(dir.resolve(VisionModel.CONFIG_FILE));
        JsonNode n = tree.get(NUM_LABELS), p = tree.get(PRETRAINING);
        if (n == null || !n.canConvertToInt() || p == null || !p.isBoolean()) {
            throw new ConfigException(dir.resolve(VisionModel.CONFIG_FILE) + ": needs num_labels (an integer) and pretraining_head (true or false)");
        }
        return load(dir, null, n.asInt(), p.asBoolean(), dt, seed);
    }

    /**
     * Loads a directory {@link VisionModel#save} wrote into a new graph with a classifier of {@code numLabels}
     * classes: the saved classifier when it has as many classes and the same role ({@code pretraining}), else a fresh
     * one (seeded), e.g. a downstream task's head on a pre-trained encoder. Every encoder tensor must be in the file
     * with its shape; an unknown tensor or config key fails naming it.
     *
     * @param expectedFamily the model_type the caller needs, or null for any known family
     */
    public static VisionModel load(Path dir, String expectedFamily, int numLabels, boolean pretraining, DataType dt, long seed) {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir + ": no such model directory");
        Path cfgFile = dir.resolve(VisionModel.CONFIG_FILE);
        ObjectNode tree = Json.readTree(cfgFile);
        JsonNode type = tree.remove(MODEL_TYPE);
        if (expectedFamily != null && (type == null || !expectedFamily.equals(type.asText()))) {
            throw new ConfigException(cfgFile + ": model_type must be \"" + expectedFamily + "\", was " + type);
        }
        if (type == null) throw new ConfigException(cfgFile + ": no model_type; known vision families: " + families());
        Family<?> family = family(type.asText(), cfgFile.toString());
        JsonNode savedLabels = tree.remove(NUM_LABELS), savedPretraining = tree.remove(PRETRAINING);
        if (savedLabels == null || !savedLabels.canConvertToInt() || savedPretraining == null || !savedPretraining.isBoolean()) {
            throw new ConfigException(cfgFile + ": needs num_labels (an integer) and pretraining_head (true or false)");
        }
        Record config = Json.convert(tree, family.configType(), cfgFile.toString());
        Path weightsFile = dir.resolve(VisionModel.WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) throw new ConfigException(weightsFile + ": file not found");
        Map<String, INDArray> tensors = new TreeMap<>(SafeTensors.read(weightsFile).tensors());
        boolean sameHead = savedLabels.asInt() == numLabels && savedPretraining.asBoolean() == pretraining;
        Predicate<String> head = family.head();
        if (!sameHead) tensors.keySet().removeIf(head);
        VisionModel model = family.build(config, numLabels, pretraining, dt, seed);
        List<String> missing = GraphWeights.copyInto(model.weights(), tensors, false, weightsFile.toString(),
                type.asText() + " graph (" + cfgFile + ")");
        List<String> missingEncoder = missing.stream().filter(n -> sameHead || !head.test(n)).toList();
        if (!missingEncoder.isEmpty()) throw new ConfigException(weightsFile + ": missing tensors " + missingEncoder);
        return model;
    }
}
