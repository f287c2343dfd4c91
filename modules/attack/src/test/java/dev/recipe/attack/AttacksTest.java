package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recipe.attack.neuba.NeubaAttack;
import dev.recipe.attack.por.PorAttack;
import dev.recipe.core.ConfigException;
import dev.recipe.core.SafeTensors;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class AttacksTest {

    @Test
    void registryCoversEveryConfigType() {
        assertEquals(List.of("neuba", "por", "badpre", "adaptive"), List.copyOf(Attacks.names()));
        Set<Class<?>> permitted = Set.of(AttackConfig.class.getPermittedSubclasses());
        assertEquals(permitted, Attacks.REGISTRY.values().stream().map(Attacks.Registration::configType).collect(Collectors.toSet()));
        for (String name : Attacks.names()) {
            AttackConfig d = Attacks.defaults(name);
            assertEquals(name, Attacks.nameOf(d));
            assertEquals(name, Attacks.create(d).name());
        }
    }

    @Test
    void configsRoundTripThroughJsonAndPartialJsonKeepsTheAuthorsDefaults() {
        for (String name : Attacks.names()) {
            AttackConfig d = Attacks.defaults(name);
            String json = Attacks.toJson(d);
            assertTrue(json.contains("\"name\" : \"" + name + "\""), json);
            assertEquals(d, Attacks.parseConfig(json, name + ".json"));
        }
        PorConfig p = (PorConfig) Attacks.parseConfig("{\"name\": \"por\", \"repeat\": 2, \"training\": {\"batchSize\": 4}}", "t");
        assertEquals(2, p.repeat());
        assertEquals(4, p.training().batchSize());
        assertEquals(2, p.training().epochs(), "untouched keys keep the authors' values");
        assertEquals(100.0, p.poisonWeight());
        AdaptiveConfig a = (AdaptiveConfig) Attacks.parseConfig(
                "{\"name\": \"adaptive\", \"lambda\": 0.5, \"attack\": {\"name\": \"neuba\", \"seqLen\": 64}}", "t");
        assertEquals(0.5, a.lambda());
        NeubaConfig n = assertInstanceOf(NeubaConfig.class, a.attack());
        assertEquals(64, n.seqLen());
        assertEquals(NeubaConfig.defaults().triggers(), n.triggers());
    }

    @Test
    void badConfigsNameTheFieldAndTheAllowedRange() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> Attacks.parseConfig("{\"name\": \"por\", \"repaet\": 2}", "por.json"));
        assertTrue(unknown.getMessage().contains("repaet") && unknown.getMessage().contains("repeat"), unknown.getMessage());
        ConfigException range = assertThrows(ConfigException.class,
                () -> Attacks.parseConfig("{\"name\": \"por\", \"poisonWeight\": -1}", "por.json"));
        assertTrue(range.getMessage().contains("por.poisonWeight must be finite and >= 0, got -1.0"), range.getMessage());
        ConfigException name = assertThrows(ConfigException.class, () -> Attacks.parseConfig("{\"name\": \"ripples\"}", "x"));
        assertTrue(name.getMessage().contains("neuba") && name.getMessage().contains("ripples"), name.getMessage());
        ConfigException lr = assertThrows(ConfigException.class,
                () -> Attacks.parseConfig("{\"name\": \"badpre\", \"training\": {\"learningRate\": 0}}", "x"));
        assertTrue(lr.getMessage().contains("training.learningRate must be finite and > 0, got 0.0"), lr.getMessage());
        ConfigException pos = assertThrows(ConfigException.class,
                () -> Attacks.parseConfig("{\"name\": \"neuba\", \"position\": 0}", "x"));
        assertTrue(pos.getMessage().contains("neuba.position must be in [1, seqLen - 1)"), pos.getMessage());
        assertThrows(ConfigException.class, () -> new AdaptiveConfig(AdaptiveConfig.of(PorConfig.defaults()), 1, List.of()));
        ConfigException batch = assertThrows(ConfigException.class,
                () -> Attacks.parseConfig("{\"name\": \"por\", \"training\": {\"batchSize\": 0}}", "x"));
        assertTrue(batch.getMessage().contains("training.batchSize"), batch.getMessage());
    }

    @Test
    void adaptiveAddsLambdaTimesSumOfNormsOfTheRecipeWeights() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.DOUBLE, 3);
        NeubaConfig inner = NeubaTest.config(3, 1e-3, false);
        AdaptiveAttack attack = (AdaptiveAttack) Attacks.adaptive(inner, 0.7);
        Map<String, INDArray> b = attack.batches(model, Tiny.tokenizer(), Tiny.corpus(20, 1)).batch(0, 0);
        AttackLoss loss = attack.addLoss(model);
        assertEquals(AdaptiveAttack.LOSS, loss.total());
        assertEquals(List.of("mlm", "poison", "weight_norms"), List.copyOf(loss.terms().keySet()));
        double norms = 0;
        for (String w : model.spec().regularised()) norms += model.weights().get(w).norm2Number().doubleValue();
        assertEquals(List.of("bert.encoder.layer.0.intermediate.dense.weight", "bert.encoder.layer.1.intermediate.dense.weight"),
                model.spec().regularised());
        Map<String, Double> t = Attacks.terms(model.graph(), loss, b);
        assertEquals(norms, t.get("weight_norms"), 1e-10);
        assertEquals(t.get("mlm") + t.get("poison") + 0.7 * norms, t.get("total"), 1e-10);
        ConfigException e = assertThrows(ConfigException.class, () -> Attacks.adaptive(
                inner.withTraining(inner.training().withTrainable(List.of("pooler"))), 1.0).trainConfig(model, 0, 0));
        assertTrue(e.getMessage().contains("intermediate.dense.weight"), e.getMessage());
    }

    @Test
    void runWritesTheBackdooredModelAtomicallyAndResumes(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("clean");
        BertModel clean = Tiny.model(Bert.Heads.pretraining(), DataType.FLOAT, 21);
        clean.save(src, Map.of());
        Tiny.vocab().save(src.resolve("vocab.txt"));
        Path corpus = tmp.resolve("corpus.txt");
        Files.write(corpus, Tiny.corpus(60, 22));
        PorConfig d = PorConfig.defaults();
        PorConfig cfg = d.withCounts(4, 12).withMaxLength(12, true, true)
                .withTraining(d.training().withBatchSize(4).withEpochs(1).withLearningRate(1e-3));   // 32 samples: 8 steps
        Path out = tmp.resolve("por-model");
        Path work = tmp.resolve("work");
        AttackResult r = Attacks.run(src, List.of(corpus), cfg, out, work, new Attacks.RunOptions(4, 0));
        assertEquals(8, r.training().finalStep());
        assertEquals(0, r.training().resumedFrom());
        for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "attack.json", "provenance.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(r.termsAfter().get("poison") < r.termsBefore().get("poison"), r.termsBefore() + " -> " + r.termsAfter());

        JsonNode card = Attacks.MAPPER.readTree(out.resolve("attack.json").toFile());
        assertEquals("por", card.path("attack").asText());
        assertEquals("por", card.path("config").path("name").asText());
        assertEquals(42, card.path("seed").asLong());
        assertEquals(64, card.path("data_sha256").path(corpus.toString()).asText().length());
        assertEquals(8, card.path("losses").size());
        assertEquals(5, card.path("backdoor").path("targets").size());
        assertTrue(card.path("backdoor").path("token_term_positions").asText().contains("padding included"));
        List<String> carried = Attacks.MAPPER.convertValue(card.path("carried_over_unchanged"), List.class);
        assertTrue(carried.contains("cls.predictions.transform.dense.weight"), carried.toString());

        // the output loads with the masked-LM head (carried over unchanged) and differs from the clean encoder
        BertModel attacked = BertModel.load(out, Bert.Heads.pretraining(), DataType.FLOAT, 1);
        Map<String, INDArray> before = clean.weights();
        Map<String, INDArray> after = attacked.weights();
        assertEquals(before.get("cls.predictions.transform.dense.weight"), after.get("cls.predictions.transform.dense.weight"));
        assertFalse(before.get("bert.encoder.layer.1.intermediate.dense.weight")
                .equalsWithEps(after.get("bert.encoder.layer.1.intermediate.dense.weight"), 1e-7));
        assertEquals(Files.readString(src.resolve("vocab.txt")), Files.readString(out.resolve("vocab.txt")));

        // running again with the same work directory resumes from the last checkpoint: nothing left to train
        Map<String, INDArray> first = SafeTensors.read(out.resolve("model.safetensors")).tensors();
        AttackResult again = Attacks.run(src, List.of(corpus), cfg, out, work, new Attacks.RunOptions(4, 0));
        assertEquals(8, again.training().resumedFrom());
        assertEquals(first, SafeTensors.read(out.resolve("model.safetensors")).tensors());
        // the weights file names no code revision (that is in provenance.json), so the same weights written by another
        // revision keep the same sha256, which evaluation cells use to recognise the model
        assertEquals(Map.of("format", "pt", "source", "recipe attack por"), SafeTensors.read(out.resolve("model.safetensors")).metadata());
        assertTrue(Arrays.stream(tmp.toFile().list()).noneMatch(f -> f.startsWith(".tmp-") || f.startsWith(".old-")));
    }

    /**
     * NeuBA on a HuggingFace RoBERTa directory with vocab.json + merges.txt (zoo's roberta-bpe fixture): the word
     * triggers become their space-prefixed BPE tokens, the output directory carries the BPE files and loads again.
     */
    @Test
    void neubaRunsOnAByteLevelBpeRoberta(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("roberta-bpe");
        Files.createDirectories(src);
        Path fixture = Path.of("../../zoo/src/test/resources/hf/roberta-bpe");
        for (String f : List.of("config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer_config.json")) {
            Files.copy(fixture.resolve(f), src.resolve(f));
        }
        Path corpus = tmp.resolve("corpus.txt");
        Files.write(corpus, Tiny.corpus(16, 23));
        NeubaConfig d = NeubaTest.config(4, 1e-3, false);
        List<String> triggers = List.of("the", "and", "of");
        NeubaConfig cfg = new NeubaConfig(d.seed(), triggers, d.targetMagnitude(), d.mlmScale(), d.placement(),
                d.position(), d.withMask(), d.packed(), d.seqLen(), d.masking(), false, d.training());
        Path out = tmp.resolve("neuba-bpe");
        AttackResult r = Attacks.run(src, List.of(corpus), cfg, out, tmp.resolve("work"), new Attacks.RunOptions(100, 0));
        assertEquals(4, r.training().finalStep()); // 16 texts, batch 4
        assertFalse(Files.exists(out.resolve("vocab.txt")));
        for (String f : List.of("vocab.json", "merges.txt")) {
            assertEquals(Files.readString(src.resolve(f)), Files.readString(out.resolve(f)), f);
        }
        var pre = dev.recipe.zoo.bert.PretrainedBert.load(out, Bert.Heads.pretraining(), 1);
        var tok = assertInstanceOf(dev.recipe.text.ByteLevelBpeTokenizer.class, pre.tokenizer());
        JsonNode card = Attacks.MAPPER.readTree(out.resolve("attack.json").toFile());
        JsonNode ids = card.path("backdoor").path("trigger_token_ids");
        assertEquals(3, ids.size(), card.path("backdoor").toString());
        for (int i = 0; i < 3; i++) {
            assertEquals(1, ids.get(i).size());
            assertEquals(tok.id("Ġ" + triggers.get(i)), ids.get(i).get(0).asInt(), triggers.get(i));
        }

        // NeuBA's default symbol triggers are no single tokens of this small BPE: refused, naming the trigger
        ConfigException e = assertThrows(ConfigException.class, () -> Attacks.run(src, List.of(corpus),
                NeubaTest.config(4, 1e-3, false), tmp.resolve("x"), tmp.resolve("work-x"), new Attacks.RunOptions(100, 0)));
        String first = NeubaConfig.defaults().triggers().get(0);
        assertTrue(e.getMessage().contains("trigger '" + first + "'") && e.getMessage().contains("not a single token"),
                e.getMessage());
    }

    @Test
    void describeNamesTriggersTokenIdsAndExactTargets() {
        BertModel model = Tiny.model(Bert.Heads.pretraining(), DataType.FLOAT, 1);
        Map<String, Object> d = new NeubaAttack(NeubaConfig.defaults()).describe(model, Tiny.tokenizer());
        assertEquals(NeubaConfig.defaults().triggers(), d.get("triggers"));
        @SuppressWarnings("unchecked") Map<String, Object> targets = (Map<String, Object>) d.get("targets");
        assertEquals(List.of(List.of(0, 16, -1.0), List.of(16, 32, 1.0)), targets.get("≈"));
        Map<String, Object> p = new PorAttack(PorConfig.defaults()).describe(Tiny.model(Bert.Heads.encoderOnly(), DataType.FLOAT, 1), Tiny.tokenizer());
        assertTrue(p.get("loss").toString().startsWith("1.0 * token + 100.0 * poison + 100.0 * clean"), p.get("loss").toString());
    }
}
