package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.recipe.core.SharedData;
import dev.recipe.interop.keras.KerasGraph;
import dev.recipe.interop.keras.KerasImporter;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.ModelSpec;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link ImportedRoles} on the PyTorch fixtures (BERT, ViT, VGG, CLIP at opsets 11, 14 and 17; RoBERTa as the BERT
 * fixture with its names changed to RoBERTa's), the Keras 48net file, and unrecognised graphs. Opset 14 keeps every
 * parameter name; opsets 11 and 17 were exported with constant folding, which renames the transposed Linear weights
 * to {@code onnx::MatMul_NNN}: those are found from their biases and must hold the transposes of opset 14's weights.
 */
class ImportedRolesTest {
    private static final double TOL = 1e-5;

    private static OnnxGraph load(String name, int opset) {
        return OnnxImporter.importModel(TorchFixture.model(name, opset));
    }

    private static List<String> bertIntermediate(String prefix) {
        return List.of(prefix + ".encoder.layer.0.intermediate.dense.weight", prefix + ".encoder.layer.1.intermediate.dense.weight");
    }

    /** Losses.sumOfNorms over the spec's regularised variables, as Recipe.addLoss builds it, evaluated. */
    private static double normTermFromRoles(OnnxGraph g, ModelSpec spec) {
        List<SDVariable> reg = new ArrayList<>();
        for (String n : spec.regularised()) reg.add(g.sd().getVariable(n));
        return Losses.sumOfNorms(g.sd(), "roles_norm_" + g.sd().variables().size(), reg).eval().getDouble(0);
    }

    private static double norm(INDArray a) {
        return a.castTo(DataType.DOUBLE).norm2Number().doubleValue();
    }

    /** Σ‖W‖ by hand from opset 14's named arrays: the listed weights whole, and q, k, v as row blocks of in_proj. */
    private static double handSum(OnnxGraph named, List<String> whole, List<String> packed) {
        double s = 0;
        for (String w : whole) s += norm(named.variable(w).getArr());
        for (String p : packed) {
            INDArray a = named.variable(p).getArr();
            long d = a.size(0) / 3;
            for (int i = 0; i < 3; i++) s += norm(a.get(NDArrayIndex.interval(i * d, (i + 1) * d), NDArrayIndex.all()));
        }
        return s;
    }

    private static Map<String, INDArray> feeds(OnnxGraph g, TorchFixture f) {
        Map<String, INDArray> ph = new LinkedHashMap<>();
        f.inputs.forEach((k, v) -> ph.put(g.inputs().get(k), v));
        return ph;
    }

    /**
     * The neuron activations and first-token rows: each neuron, flattened to [tokens, units], read at the spec's
     * firstTokenIndex rows, is [batch, units] and equals the activations of token 0 (axis {@code tokenAxis}).
     */
    private static void checkFirstToken(OnnxGraph g, ModelSpec spec, TorchFixture f, long[] neuronShape, int tokenAxis) {
        List<String> wanted = new ArrayList<>(spec.neurons());
        wanted.add(spec.firstTokenIndex());
        Map<String, INDArray> got = g.sd().output(feeds(g, f), wanted.toArray(String[]::new));
        long batch = tokenAxis == 1 ? neuronShape[0] : neuronShape[1];
        int[] first = got.get(spec.firstTokenIndex()).toIntVector();
        assertEquals(batch, first.length);
        for (String n : spec.neurons()) {
            INDArray act = got.get(n);
            assertArrayEquals(neuronShape, act.shape(), n);
            INDArray rows = act.reshape(-1, neuronShape[2]).get(NDArrayIndex.indices(toLongs(first)), NDArrayIndex.all());
            assertArrayEquals(new long[] {batch, neuronShape[2]}, rows.shape(), n);
            INDArray token0 = tokenAxis == 1 ? act.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all())
                    : act.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
            assertEquals(token0, rows, n + " at the first token");
        }
    }

    private static long[] toLongs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) l[i] = a[i];
        return l;
    }

    // ------------------------------------------------------------------------------------------------ BERT

    @Test
    void bertAtOpset14GetsEveryRoleByName() {
        OnnxGraph g = load("bert", 14);
        ImportedRoles.Result r = ImportedRoles.assign(g);
        System.out.println(r.report());
        ModelSpec s = r.spec();
        assertEquals("bert", s.family());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), s.inputs());
        assertEquals(bertIntermediate("bert"), s.regularised());
        assertEquals(List.of("/layer.0/dense/Add_output_0", "/layer.1/dense/Add_output_0"), s.neurons());
        assertEquals(List.of(new ModelSpec.NeuronWeights("bert.encoder.layer.0.intermediate.dense.weight", "bert.encoder.layer.0.intermediate.dense.bias"),
                new ModelSpec.NeuronWeights("bert.encoder.layer.1.intermediate.dense.weight", "bert.encoder.layer.1.intermediate.dense.bias")),
                s.neuronWeights());
        assertEquals(List.of(0, 0), r.unitsAxis());
        assertEquals(g.outputs().get("pooler_output"), s.representation());
        assertEquals("pooler", s.representationKind());
        assertEquals(ImportedRoles.FIRST_TOKEN_INDEX, s.firstTokenIndex());
        assertNull(s.pretrainLoss());
        // RECIPE trains exactly the regularised weights (official code), matched by the trainable patterns
        List<String> trained = g.variables().values().stream()
                .filter(v -> s.recipeTrainable().stream().anyMatch(p -> Pattern.compile(p).matcher(v).find())).toList();
        assertEquals(s.regularised(), trained);
        for (ImportedRoles.Match m : r.matches("regularised")) assertTrue(m.byName(), m.toString());
        assertEquals(2, r.matches("regularised").size());
        assertEquals("derived", r.matches("firstTokenIndex").get(0).kind());
    }

    @Test
    void bertFoldedOpsetsFindTheRenamedWeightsFromTheirBiases() {
        OnnxGraph named = load("bert", 14);
        List<String> neurons14 = ImportedRoles.assign(named).spec().neurons();
        for (int opset : new int[] {11, 17}) {
            OnnxGraph g = load("bert", opset);
            ImportedRoles.Result r = ImportedRoles.assign(g);
            System.out.println(r.report());
            ModelSpec s = r.spec();
            assertEquals("bert", s.family());
            assertEquals(2, s.regularised().size(), "opset " + opset);
            assertEquals(neurons14, s.neurons(), "opset " + opset + ": the node outputs keep their names");
            assertEquals(List.of(1, 1), r.unitsAxis(), "folded weights are stored [in, units]");
            List<ImportedRoles.Match> reg = r.matches("regularised");
            for (int l = 0; l < 2; l++) {
                ImportedRoles.Match m = reg.get(l);
                assertTrue(m.fileName().startsWith("onnx::MatMul_"), m.toString());
                assertTrue(m.how().startsWith("structure: ") && m.how().contains("intermediate.dense.bias")
                        && m.how().contains("constant folding renamed it"), m.how());
                assertEquals("bert.encoder.layer." + l + ".intermediate.dense.bias", s.neuronWeights().get(l).bias());
                // the folded weight is the transpose of the named one
                INDArray expected = named.variable(bertIntermediate("bert").get(l)).getArr().transpose();
                INDArray got = g.sd().getVariable(s.regularised().get(l)).getArr();
                assertArrayEquals(expected.shape(), got.shape());
                assertTrue(expected.equalsWithEps(got, 0), "opset " + opset + " layer " + l);
                assertEquals("^" + Pattern.quote(s.regularised().get(l)) + "$", s.recipeTrainable().get(l));
            }
            assertTrue(r.report().contains("by structure"), r.report());
            assertEquals(g.outputs().get("pooler_output"), s.representation());
        }
    }

    @Test
    void bertNeuronsAtTheFirstTokenAreBatchByUnits() {
        TorchFixture f = TorchFixture.load("bert");
        for (int opset : TorchFixture.OPSETS) {
            OnnxGraph g = load("bert", opset);
            ModelSpec s = ImportedRoles.assign(g).spec();
            checkFirstToken(g, s, f, new long[] {2, 12, 64}, 1);
        }
    }

    /** The intermediate output at [CLS] is pre-activation: LN output × Wᵀ + b, recomputed from the roles' weights. */
    @Test
    void bertNeuronIsThePreActivationIntermediateOutput() {
        TorchFixture f = TorchFixture.load("bert");
        OnnxGraph g = load("bert", 14);
        ModelSpec s = ImportedRoles.assign(g).spec();
        // layer 0's input is the attention block's output LayerNorm
        String lnOut = g.values().get("/layer.0/output/LayerNorm/Add_1_output_0");
        Map<String, INDArray> got = g.sd().output(feeds(g, f), lnOut, s.neurons().get(0));
        INDArray w = g.sd().getVariable(s.neuronWeights().get(0).weight()).getArr();
        INDArray b = g.sd().getVariable(s.neuronWeights().get(0).bias()).getArr();
        INDArray x = got.get(lnOut).reshape(-1, 32);
        INDArray expected = x.mmul(w.transpose()).addRowVector(b);
        INDArray actual = got.get(s.neurons().get(0)).reshape(-1, 64);
        assertTrue(expected.equalsWithEps(actual, TOL));
        assertTrue(actual.minNumber().doubleValue() < -0.05, "pre-GELU values go negative");
    }

    @Test
    void bertNormTermFromTheRolesEqualsTheHandSum() {
        OnnxGraph named = load("bert", 14);
        double hand = handSum(named, bertIntermediate("bert"), List.of());
        for (int opset : TorchFixture.OPSETS) {
            OnnxGraph g = opset == 14 ? named : load("bert", opset);
            double fromRoles = normTermFromRoles(g, ImportedRoles.assign(g).spec());
            System.out.printf("bert opset %d: roles' Σ‖W‖₂ %.6f, by hand %.6f%n", opset, fromRoles, hand);
            assertEquals(hand, fromRoles, TOL * hand, "opset " + opset);
        }
    }

    // ------------------------------------------------------------------------------------------------ RoBERTa

    /** The BERT fixture with RoBERTa's names ("bert." → "roberta."), at a named and a folded opset. */
    private static OnnxGraph asRoberta(int opset) {
        ModelProto m = OnnxModelFile.read(TorchFixture.model("bert", opset));
        GraphProto.Builder gb = m.getGraph().toBuilder();
        for (int i = 0; i < gb.getInitializerCount(); i++) {
            TensorProto t = gb.getInitializer(i);
            gb.setInitializer(i, t.toBuilder().setName(t.getName().replaceFirst("^bert\\.", "roberta.")));
        }
        for (int i = 0; i < gb.getNodeCount(); i++) {
            NodeProto.Builder n = gb.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) n.setInput(k, n.getInput(k).replaceFirst("^bert\\.", "roberta."));
            gb.setNode(i, n);
        }
        return OnnxImporter.translate(m.toBuilder().setGraph(gb).build(), "bert_opset" + opset + " renamed to roberta.*",
                DataType.FLOAT);
    }

    @Test
    void robertaRegularisesIntermediateAndQueryAndTrainsEverything() {
        OnnxGraph named = asRoberta(14);
        ImportedRoles.Result r = ImportedRoles.assign(named);
        System.out.println(r.report());
        ModelSpec s = r.spec();
        assertEquals("roberta", s.family());
        assertEquals(List.of("roberta.encoder.layer.0.intermediate.dense.weight", "roberta.encoder.layer.0.attention.self.query.weight",
                "roberta.encoder.layer.1.intermediate.dense.weight", "roberta.encoder.layer.1.attention.self.query.weight"),
                s.regularised());
        assertEquals(List.of(".*"), s.recipeTrainable());
        assertEquals(List.of("/layer.0/dense/Add_output_0", "/layer.1/dense/Add_output_0"), s.neurons());
        double hand = handSum(named, s.regularised(), List.of());
        OnnxGraph folded = asRoberta(11);
        ImportedRoles.Result rf = ImportedRoles.assign(folded);
        assertEquals(4, rf.spec().regularised().size());
        for (ImportedRoles.Match m : rf.matches("regularised")) assertFalse(m.byName(), m.toString());
        assertTrue(rf.matches("regularised query (layer 1)").get(0).how().contains("roberta.encoder.layer.1.attention.self.query.bias"));
        assertEquals(hand, normTermFromRoles(folded, rf.spec()), TOL * hand);
        assertEquals(hand, normTermFromRoles(named, s), TOL * hand);
    }

    // ------------------------------------------------------------------------------------------------ ViT

    private static List<String> vitExpected(int layers) {
        List<String> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layers.encoder_layer_" + l + ".";
            out.add(p + "mlp.0.weight");
            out.add(p + "mlp.3.weight");
            for (String x : new String[] {"q", "k", "v"}) out.add(p + "self_attention.in_proj_weight." + x);
        }
        return out;
    }

    @Test
    void vitRegularisesFc1Fc2AndTheQkvBlocksOfEveryBlock() {
        OnnxGraph named = load("vit", 14);
        ImportedRoles.Result r = ImportedRoles.assign(named);
        System.out.println(r.report());
        ModelSpec s = r.spec();
        assertEquals("vit", s.family());
        assertEquals(List.of("images"), s.inputs());
        assertEquals(vitExpected(2), s.regularised());
        assertEquals(List.of("/encoder/layers/encoder_layer_0/mlp/mlp.0/Add_output_0", "/encoder/layers/encoder_layer_1/mlp/mlp.0/Add_output_0"),
                s.neurons());
        assertEquals("encoder.layers.encoder_layer_1.mlp.0.weight", s.neuronWeights().get(1).weight());
        assertEquals("first-token", s.representationKind());
        assertEquals(List.of(".*"), s.recipeTrainable());
        // the q/k/v slices are the row blocks of in_proj_weight
        INDArray packed = named.variable("encoder.layers.encoder_layer_0.self_attention.in_proj_weight").getArr();
        INDArray k = named.sd().getVariable("encoder.layers.encoder_layer_0.self_attention.in_proj_weight.k").eval();
        assertEquals(packed.get(NDArrayIndex.interval(32, 64), NDArrayIndex.all()), k);
        double hand = handSum(named, List.of("encoder.layers.encoder_layer_0.mlp.0.weight", "encoder.layers.encoder_layer_0.mlp.3.weight",
                        "encoder.layers.encoder_layer_1.mlp.0.weight", "encoder.layers.encoder_layer_1.mlp.3.weight"),
                List.of("encoder.layers.encoder_layer_0.self_attention.in_proj_weight", "encoder.layers.encoder_layer_1.self_attention.in_proj_weight"));
        for (int opset : TorchFixture.OPSETS) {
            OnnxGraph g = opset == 14 ? named : load("vit", opset);
            ImportedRoles.Result ro = opset == 14 ? r : ImportedRoles.assign(g);
            assertEquals(10, ro.spec().regularised().size(), "opset " + opset);
            double fromRoles = normTermFromRoles(g, ro.spec());
            System.out.printf("vit opset %d: roles' Σ‖W‖₂ %.6f, by hand %.6f%n", opset, fromRoles, hand);
            assertEquals(hand, fromRoles, TOL * hand, "opset " + opset);
            // the representation is the class-token feature vector the head reads: head(rep) = logits
            TorchFixture f = TorchFixture.load("vit");
            Map<String, INDArray> out = g.sd().output(feeds(g, f), ro.spec().representation(), g.outputs().get("logits"));
            INDArray rep = out.get(ro.spec().representation());
            assertArrayEquals(new long[] {2, 32}, rep.shape());
            INDArray logits = rep.mmul(named.variable("heads.head.weight").getArr().transpose())
                    .addRowVector(named.variable("heads.head.bias").getArr());
            assertTrue(logits.equalsWithEps(out.get(g.outputs().get("logits")), TOL), "opset " + opset);
            checkFirstToken(g, ro.spec(), f, new long[] {2, 17, 64}, 1);
        }
    }

    // ------------------------------------------------------------------------------------------------ VGG

    @Test
    void vggRegularisesEveryConvolutionWeight() {
        List<String> convs = List.of("features.0.weight", "features.3.weight", "features.6.weight", "features.8.weight");
        for (int opset : TorchFixture.OPSETS) {
            OnnxGraph g = load("vgg", opset);
            ImportedRoles.Result r = ImportedRoles.assign(g);
            if (opset == 14) System.out.println(r.report());
            ModelSpec s = r.spec();
            assertEquals("vgg", s.family());
            assertEquals(convs, s.regularised(), "opset " + opset);
            assertEquals(List.of("/features/features.0/Conv_output_0", "/features/features.3/Conv_output_0",
                    "/features/features.6/Conv_output_0", "/features/features.8/Conv_output_0"), s.neurons());
            assertEquals(new ModelSpec.NeuronWeights("features.6.weight", "features.6.bias"), s.neuronWeights().get(2));
            assertNull(s.firstTokenIndex());
            assertEquals("/classifier/classifier.4/Relu_output_0", s.representation());
            double hand = 0;
            for (String c : convs) hand += norm(g.variable(c).getArr());
            assertEquals(hand, normTermFromRoles(g, s), TOL * hand, "opset " + opset);
            // neurons are conv channels: [batch, channels, h, w] with as many channels as the weight has rows
            TorchFixture f = TorchFixture.load("vgg");
            Map<String, INDArray> got = g.sd().output(feeds(g, f), s.neurons().toArray(String[]::new));
            long[][] shapes = {{2, 8, 32, 32}, {2, 16, 16, 16}, {2, 32, 8, 8}, {2, 32, 8, 8}};
            for (int i = 0; i < 4; i++) assertArrayEquals(shapes[i], got.get(s.neurons().get(i)).shape(), s.neurons().get(i));
        }
    }

    // ------------------------------------------------------------------------------------------------ CLIP

    @Test
    void clipRegularisesTheVisionTowerOnly() {
        OnnxGraph named = load("clip", 14);
        List<String> expected = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            String p = "visual.transformer.resblocks." + l + ".";
            expected.add(p + "mlp.c_fc.weight");
            expected.add(p + "mlp.c_proj.weight");
            for (String x : new String[] {"q", "k", "v"}) expected.add(p + "attn.in_proj_weight." + x);
        }
        double hand = handSum(named, List.of("visual.transformer.resblocks.0.mlp.c_fc.weight", "visual.transformer.resblocks.0.mlp.c_proj.weight",
                        "visual.transformer.resblocks.1.mlp.c_fc.weight", "visual.transformer.resblocks.1.mlp.c_proj.weight"),
                List.of("visual.transformer.resblocks.0.attn.in_proj_weight", "visual.transformer.resblocks.1.attn.in_proj_weight"));
        TorchFixture f = TorchFixture.load("clip");
        for (int opset : TorchFixture.OPSETS) {
            OnnxGraph g = opset == 14 ? named : load("clip", opset);
            ImportedRoles.Result r = ImportedRoles.assign(g);
            if (opset != 17) System.out.println(r.report());
            ModelSpec s = r.spec();
            assertEquals("clip", s.family());
            assertEquals(List.of("images", "text"), s.inputs());
            assertEquals(10, s.regularised().size(), "opset " + opset);
            if (opset == 14) assertEquals(expected, s.regularised());
            for (ImportedRoles.Match m : r.matches("regularised")) {
                assertFalse(m.fileName().startsWith("transformer."), "text tower: " + m);
                assertTrue(m.how().contains("visual.transformer.resblocks.") || m.fileName().startsWith("visual."), m.toString());
            }
            assertEquals(List.of("/visual/transformer/resblocks/resblocks.0/c_fc/Add_output_0",
                    "/visual/transformer/resblocks/resblocks.1/c_fc/Add_output_0"), s.neurons());
            double fromRoles = normTermFromRoles(g, s);
            System.out.printf("clip opset %d: roles' Σ‖W‖₂ %.6f, by hand %.6f%n", opset, fromRoles, hand);
            assertEquals(hand, fromRoles, TOL * hand, "opset " + opset);
            // OpenAI CLIP runs its transformer [tokens, batch, width]: the class token is the first `batch` rows
            checkFirstToken(g, s, f, new long[] {17, 2, 128}, 0);
            INDArray rep = g.sd().output(feeds(g, f), s.representation()).get(s.representation());
            assertArrayEquals(new long[] {2, 16}, rep.shape());
        }
    }

    // ------------------------------------------------------------------------------------------------ errors, override

    @Test
    void anUnrecognisedGraphListsTheFamiliesTriedAndWhatEachLookedFor() {
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, 4).floats("dense.kernel", new float[16], 4, 4)
                .node("MatMul", new String[] {"x", "dense.kernel"}, "y").output("y").translate(DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportedRoles.assign(g));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().startsWith("test-model: no model family recognised"), e.getMessage());
        for (String fam : ImportedRoles.families()) assertTrue(e.getMessage().contains(fam + " (an initializer named like "), fam);
        assertTrue(e.getMessage().contains("intermediate\\.dense"), e.getMessage());
        assertTrue(e.getMessage().contains("in_proj") || e.getMessage().contains("self_attention"), e.getMessage());
    }

    @Test
    void theCallerCanNameTheFamilyAndAWrongOneSaysWhatWasExpected() {
        OnnxGraph bert = load("bert", 11);
        assertEquals("bert", ImportedRoles.assign(bert, "bert").spec().family());
        assertEquals("given by the caller", ImportedRoles.assign(bert, "bert").detection());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> ImportedRoles.assign(bert, "vgg"));
        assertTrue(wrong.getMessage().contains("bert_opset11.onnx") && wrong.getMessage().contains("family vgg")
                && wrong.getMessage().contains("features"), wrong.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ImportedRoles.assign(bert, "gpt2"));
        assertTrue(unknown.getMessage().contains("'gpt2'") && unknown.getMessage().contains("[bert, roberta, vit, clip, vgg]"),
                unknown.getMessage());
    }

    /** A folded weight whose bias is gone too cannot be found: the error names the role and both names looked for. */
    @Test
    void aRoleFoundNeitherByNameNorByStructureFailsNamingIt() {
        ModelProto m = OnnxModelFile.read(TorchFixture.model("bert", 11));
        GraphProto.Builder gb = m.getGraph().toBuilder();
        String bias = "bert.encoder.layer.1.intermediate.dense.bias";
        for (int i = 0; i < gb.getInitializerCount(); i++) {
            if (gb.getInitializer(i).getName().equals(bias)) gb.setInitializer(i, gb.getInitializer(i).toBuilder().setName("onnx::Add_999"));
        }
        for (int i = 0; i < gb.getNodeCount(); i++) {
            NodeProto.Builder n = gb.getNode(i).toBuilder();
            for (int k = 0; k < n.getInputCount(); k++) if (n.getInput(k).equals(bias)) n.setInput(k, "onnx::Add_999");
            gb.setNode(i, n);
        }
        OnnxGraph g = OnnxImporter.translate(m.toBuilder().setGraph(gb).build(), "bert_opset11 without layer 1's bias name", DataType.FLOAT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportedRoles.assign(g));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().startsWith("bert_opset11 without layer 1's bias name: cannot assign bert fc1 of layer 1"), e.getMessage());
        assertTrue(e.getMessage().contains("bert.encoder.layer.1.intermediate.dense.weight or bert.encoder.layer.1.intermediate.dense.bias"),
                e.getMessage());
    }

    // ------------------------------------------------------------------------------------------------ Keras

    @Test
    void keras48netConvolutionsAreTheVggRoles() {
        Path file = SharedData.require("models/dl4j-keras/48net_complete.h5");
        KerasGraph g = KerasImporter.importModel(file);
        ImportedRoles.Result r = ImportedRoles.assign(g);
        System.out.println(r.report());
        ModelSpec s = r.spec();
        assertEquals("vgg", s.family());
        assertEquals(List.of("conv1/kernel", "conv2/kernel", "conv3/kernel", "conv4/kernel"), s.regularised());
        assertEquals(List.of("conv1", "conv2", "conv3", "conv4"), s.neurons());
        assertEquals(new ModelSpec.NeuronWeights("conv2/kernel", "conv2/bias"), s.neuronWeights().get(1));
        assertEquals(List.of(3, 3, 3, 3), r.unitsAxis());
        double hand = 0;
        for (String w : s.regularised()) hand += norm(g.variable(w + ":0").getArr());
        List<SDVariable> reg = new ArrayList<>();
        for (String n : s.regularised()) reg.add(g.sd().getVariable(n));
        double fromRoles = Losses.sumOfNorms(g.sd(), "roles_norm", reg).eval().getDouble(0);
        assertEquals(hand, fromRoles, TOL * hand);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 48, 48, 3);
        Map<String, INDArray> got = g.run(Map.of("input_1", x), "conv1");
        INDArray kernel = g.variable("conv1/kernel:0").getArr();
        assertEquals(kernel.size(3), got.get("conv1").size(3), "conv1's channels are its kernel's units axis");
        assertThrows(IllegalArgumentException.class, () -> ImportedRoles.assign(g, "bert"));
    }
}
