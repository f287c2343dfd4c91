package dev.recipe.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recipe.attack.badpre.BadPreAttack;
import dev.recipe.attack.neuba.NeubaAttack;
import dev.recipe.attack.neuba.NeubaPostProcessing;
import dev.recipe.attack.por.PorAttack;
import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Checksums;
import dev.recipe.core.ConfigException;
import dev.recipe.core.Json;
import dev.recipe.core.Provenance;
import dev.recipe.core.SafeTensors;
import dev.recipe.text.Tokenizer;
import dev.recipe.text.data.Corpora;
import dev.recipe.train.BatchSource;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.bert.PretrainedBert;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The attack registry (name → config type, authors' defaults, factory), config parsing, and {@link #run}: load a
 * model directory, implant the backdoor with the {@link Trainer} (checkpoints, resume), write the backdoored model
 * directory atomically with its {@code attack.json} card. Adding an attack is one {@link #REGISTRY} line plus its
 * config record (added to {@link AttackConfig}'s {@code permits}).
 */
public final class Attacks {
    private Attacks() {}

    /** One registered attack. */
    public record Registration(String name, Class<? extends AttackConfig> configType,
                               Supplier<? extends AttackConfig> defaults, Function<AttackConfig, Attack> factory) {}

    /** The registry, in listing order. {@code adaptive} wraps any of the others (its default wraps POR, λ = 1). */
    public static final Map<String, Registration> REGISTRY = registry(
            new Registration("neuba", NeubaConfig.class, NeubaConfig::defaults, c -> new NeubaAttack((NeubaConfig) c)),
            new Registration("por", PorConfig.class, PorConfig::defaults, c -> new PorAttack((PorConfig) c)),
            new Registration("badpre", BadPreConfig.class, BadPreConfig::defaults, c -> new BadPreAttack((BadPreConfig) c)),
            new Registration("adaptive", AdaptiveConfig.class, () -> AdaptiveConfig.of(PorConfig.defaults()),
                    c -> new AdaptiveAttack((AdaptiveConfig) c)));

    /** JSON for configs: {@link Json#MAPPER}'s settings with the registry's names as type ids. */
    public static final ObjectMapper MAPPER = mapper();

    /**
     * Checkpoint and log cadence of {@link #run}. Checkpoints every 20 steps: DL4J M2.1's native memory growth ends
     * a mini-BERT attack process after 40-60 steps at batch 32 (README, Memory), and a resume must not lose more
     * than it gains; a checkpoint of the mini BERT with its AdamW state takes well under a second.
     */
    public record RunOptions(long checkpointEverySteps, long logEverySteps) {
        public static RunOptions defaults() {
            return new RunOptions(20, 10);
        }
    }

    private static Map<String, Registration> registry(Registration... regs) {
        Map<String, Registration> m = new LinkedHashMap<>();
        for (Registration r : regs) m.put(r.name(), r);
        return java.util.Collections.unmodifiableMap(m);
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = Json.MAPPER.copy();
        for (Registration r : REGISTRY.values()) m.registerSubtypes(new NamedType(r.configType(), r.name()));
        return m;
    }

    public static Set<String> names() {
        return REGISTRY.keySet();
    }

    /** The registry name of a config's attack. */
    public static String nameOf(AttackConfig cfg) {
        for (Registration r : REGISTRY.values()) if (r.configType().isInstance(cfg)) return r.name();
        throw new IllegalStateException("unregistered config type " + cfg.getClass().getName());
    }

    /** The authors' defaults of a registered attack. */
    public static AttackConfig defaults(String name) {
        return registration(name).defaults().get();
    }

    public static Attack create(AttackConfig cfg) {
        Objects.requireNonNull(cfg, "attack config");
        return REGISTRY.get(nameOf(cfg)).factory().apply(cfg);
    }

    /** {@code cfg}'s attack made adaptive: + λ·Σ‖W‖₂ over the family's RECIPE weights. */
    public static Attack adaptive(AttackConfig cfg, double lambda) {
        return create(new AdaptiveConfig(cfg, lambda, List.of()));
    }

    private static Registration registration(String name) {
        Registration r = REGISTRY.get(name);
        if (r == null) throw new ConfigException("unknown attack '" + name + "'; registered: " + REGISTRY.keySet());
        return r;
    }

    /** The config as JSON (with its {@code "name"}), canonical key order. */
    public static String toJson(AttackConfig cfg) {
        try {
            return MAPPER.writeValueAsString(cfg) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AttackConfig readConfig(Path file) {
        try {
            return parseConfig(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read attack config: " + e.getMessage());
        }
    }

    /**
     * Parses an attack config: {@code "name"} picks the attack, keys the JSON gives override that attack's defaults
     * (objects such as {@code "training"} key by key), an adaptive config's {@code "attack"} is resolved the same way
     * against its own name's defaults. Unknown keys and values out of range fail naming the key.
     */
    public static AttackConfig parseConfig(String json, String source) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        ObjectNode resolved = resolve(node, source);
        try {
            return MAPPER.treeToValue(resolved, AttackConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown key '" + e.getPropertyName() + "' for attack '"
                    + resolved.path("name").asText() + "'; allowed keys: " + e.getKnownPropertyIds());
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause();
            throw new ConfigException(source + ": " + (c != null ? c.getMessage() : e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage());
        }
    }

    private static ObjectNode resolve(JsonNode node, String source) {
        if (node == null || !node.isObject() || !node.path("name").isTextual()) {
            throw new ConfigException(source + ": an attack config is a JSON object with a \"name\" (one of "
                    + REGISTRY.keySet() + ")");
        }
        String name = node.get("name").asText();
        ObjectNode base = MAPPER.valueToTree(registration(name).defaults().get());
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("adaptive".equals(name) && "attack".equals(e.getKey())) {
                base.set("attack", resolve(e.getValue(), source + " (adaptive.attack)"));
            } else if (base.get(e.getKey()) instanceof ObjectNode obj && e.getValue().isObject()) {
                obj.setAll((ObjectNode) e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
        return base;
    }

    /** {@link #run} with the default cadence. */
    public static AttackResult run(Path modelDir, List<Path> corpusFiles, AttackConfig cfg, Path outDir, Path workDir) {
        return run(modelDir, corpusFiles, cfg, outDir, workDir, RunOptions.defaults());
    }

    /** {@link #run(Path, Corpora.Corpus, AttackConfig, Path, Path, RunOptions)} on text files. */
    public static AttackResult run(Path modelDir, List<Path> corpusFiles, AttackConfig cfg, Path outDir, Path workDir,
                                   RunOptions opts) {
        return run(modelDir, Corpora.read(corpusFiles.stream().map(Path::toString).toList(), null), cfg, outDir, workDir, opts);
    }

    /**
     * Implants the backdoor into the model in {@code modelDir} (config.json, model.safetensors, vocab.txt or vocab.json + merges.txt) using the
     * corpus ({@link Corpora}: text files and task training texts), and writes the backdoored model directory
     * {@code outDir} atomically: config.json,
     * model.safetensors (tensors of the source the attacked graph does not have, e.g. POR's untouched masked-LM head,
     * are carried over unchanged and listed in the card), the tokenizer files (vocab.txt, or vocab.json and merges.txt), attack.json and provenance.json. Checkpoints go
     * to {@code workDir/checkpoints}; running again with the same work directory resumes from the newest one (a
     * finished run is not repeated).
     */
    public static AttackResult run(Path modelDir, Corpora.Corpus texts, AttackConfig cfg, Path outDir, Path workDir,
                                   RunOptions opts) {
        Attack attack = create(cfg);
        Tokenizer tok = PretrainedBert.tokenizer(modelDir);
        BertModel model = BertModel.load(modelDir, attack.heads(), DataType.FLOAT, cfg.seed());
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model", modelDir.resolve(BertModel.WEIGHTS_FILE));
        inputs.putAll(PretrainedBert.tokenizerFiles(modelDir)); // vocab (vocab.txt), or vocab + merges (BPE)
        inputs.putAll(texts.files());
        List<String> corpus = texts.texts();
        BatchSource data = attack.batches(model, tok, corpus);
        AttackLoss loss = attack.addLoss(model);
        TrainConfig tc = attack.trainConfig(model, opts.checkpointEverySteps(), opts.logEverySteps());
        Map<String, Double> before = terms(model.graph(), loss, data.batch(0, 0));
        TrainResult r = new Trainer().fit(model.graph(), loss.total(), data, tc, workDir.resolve("checkpoints"));
        Map<String, Double> after = terms(model.graph(), loss, data.batch(0, 0));
        Map<String, Object> post = null;
        if (cfg instanceof NeubaConfig n && n.postProcess()) {
            post = NeubaPostProcessing.apply(model, tok,
                    NeubaPostProcessing.Options.authors(model.spec().family(), n.triggers()));
        }

        Map<String, INDArray> weights = new TreeMap<>(model.weights());
        List<String> carried = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : SafeTensors.read(modelDir.resolve(BertModel.WEIGHTS_FILE)).tensors().entrySet()) {
            if (!weights.containsKey(e.getKey())) {
                weights.put(e.getKey(), e.getValue());
                carried.add(e.getKey());
            }
        }
        @SuppressWarnings("unchecked") Map<String, Object> cfgMap = MAPPER.convertValue(cfg, Map.class);
        Map<String, String> dataSums = new LinkedHashMap<>();
        for (Path f : texts.files().values()) dataSums.put(f.toString(), Checksums.sha256(f));
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("attack", attack.name());
        card.put("config", cfgMap);
        card.put("seed", cfg.seed());
        card.put("source_model", modelDir.toAbsolutePath().toString());
        card.put("source_weights_sha256", Checksums.sha256(modelDir.resolve(BertModel.WEIGHTS_FILE)));
        card.put("data_sha256", dataSums);
        card.put("corpus_texts", corpus.size());
        card.put("batches_per_epoch", data.batchesPerEpoch());
        card.put("backdoor", attack.describe(model, tok));
        card.putAll(Attacks.trainingRecord(loss, tc, r, before, after));
        card.put("carried_over_unchanged", carried);
        if (post != null) card.put("post_processing", post);
        Provenance prov = Provenance.capture("attack " + attack.name(), cfg.seed(), cfgMap, inputs);
        String cardJson;
        try {
            cardJson = MAPPER.writeValueAsString(card) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeDirectory(outDir, dir -> {
            model.config().write(dir.resolve(BertModel.CONFIG_FILE));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("format", "pt");
            meta.put("source", "recipe attack " + attack.name());
            // no git revision here (it is in provenance.json): the weights file's sha256 identifies the model in
            // evaluation cells, and the same weights written by another revision must keep the same sha256
            SafeTensors.write(dir.resolve(BertModel.WEIGHTS_FILE), weights, meta);
            for (Path f : PretrainedBert.tokenizerFiles(modelDir).values()) Files.copy(f, dir.resolve(f.getFileName()));
            AtomicFiles.writeString(dir.resolve("attack.json"), cardJson);
            prov.write(dir.resolve("provenance.json"));
        });
        return new AttackResult(outDir, r, before, after);
    }

    /** The attack card's record of the training run, the same for every attack and family. */
    static Map<String, Object> trainingRecord(AttackLoss loss, TrainConfig tc, TrainResult r, Map<String, Double> before,
                                              Map<String, Double> after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss_variables", loss);
        m.put("train", tc);
        m.put("steps", r.finalStep());
        m.put("resumed_from", r.resumedFrom());
        m.put("wall_seconds_this_process", r.wallTime().toMillis() / 1000.0);
        m.put("terms_first_batch_before", before);
        m.put("terms_first_batch_after", after);
        m.put("losses", r.losses());
        return m;
    }

    /** Each term's value (and the total's) on one batch. */
    public static Map<String, Double> terms(SameDiff sd, AttackLoss loss, Map<String, INDArray> batch) {
        List<String> names = new ArrayList<>(loss.terms().values());
        names.add(loss.total());
        Map<String, INDArray> out = sd.output(batch, names.toArray(new String[0]));
        Map<String, Double> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : loss.terms().entrySet()) m.put(e.getKey(), out.get(e.getValue()).getDouble(0));
        m.put("total", out.get(loss.total()).getDouble(0));
        return m;
    }
}
