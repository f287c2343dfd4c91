package dev.recipe.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.recipe.interop.keras.KerasGraph;
import dev.recipe.zoo.ModelSpec;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gives an imported graph the {@link ModelSpec} roles of its family (SPEC §3: "imported graphs get the same roles by
 * name patterns"), from the parameter names the exporter kept and, where constant folding renamed a weight, from the
 * graph's structure. One entry of {@link #FAMILIES} per family says what it looks for:
 *
 * <table>
 * <caption>families</caption>
 * <tr><th>family</th><th>detected by (any float initializer named)</th><th>regularised</th><th>neurons</th>
 *     <th>representation</th></tr>
 * <tr><td>bert</td><td>{@code [bert.]encoder.layer.N.(intermediate.dense|attention.self.query).(weight|bias)}</td>
 *     <td>{@code intermediate.dense.weight} of every layer</td><td>intermediate dense outputs (pre-GELU)</td>
 *     <td>pooler (Tanh after {@code pooler.dense})</td></tr>
 * <tr><td>roberta</td><td>{@code roberta.encoder.layer.N.…}</td><td>{@code intermediate.dense.weight} and
 *     {@code attention.self.query.weight}</td><td>as bert</td><td>as bert</td></tr>
 * <tr><td>vit</td><td>torchvision {@code encoder.layers.encoder_layer_N.(mlp|self_attention).…}</td><td>fc1
 *     ({@code mlp.0}, or {@code mlp.linear_1} of torchvision &lt; 0.13), fc2 ({@code mlp.3} / {@code mlp.linear_2}),
 *     q, k, v (the three row blocks of {@code self_attention.in_proj_weight})</td><td>fc1 outputs
 *     (pre-GELU)</td><td>the class-token features the head reads (input of {@code heads.*})</td></tr>
 * <tr><td>clip</td><td>OpenAI names {@code visual.transformer.resblocks.N.(mlp|attn).…}</td><td>vision tower only:
 *     fc1 ({@code mlp.c_fc}), fc2 ({@code mlp.c_proj}), q, k, v ({@code attn.in_proj_weight})</td><td>vision fc1
 *     outputs (pre-QuickGELU)</td><td>the projected class token ({@code … @ visual.proj})</td></tr>
 * <tr><td>vgg</td><td>{@code features.N.weight} of rank 4 (Keras: any rank-4 {@code …/kernel:0})</td><td>every
 *     convolution weight</td><td>every convolution's output channels (pre-ReLU)</td><td>the input of the last
 *     classifier linear (ONNX only)</td></tr>
 * </table>
 *
 * <p><b>Finding a linear layer.</b> The weight is taken by name when the file keeps it; PyTorch exports a Linear as
 * {@code Transpose(W) → MatMul → Add(b)} (or {@code Gemm}), and with constant folding the transposed weight becomes
 * an anonymous initializer such as {@code onnx::MatMul_339} stored [in, units]. Then the layer is found from its
 * bias, which keeps its name: the {@code Add} that adds it, the {@code MatMul} that feeds that {@code Add}, and the
 * initializer that {@code MatMul} multiplies by. Every such role is reported as found "by structure" with the chain;
 * a role found neither way fails with the names looked for.
 *
 * <p><b>Packed q, k, v.</b> {@code nn.MultiheadAttention} keeps q, k and v as one [3d, d] {@code in_proj_weight}.
 * RECIPE's Σ‖W‖₂ is over q, k and v separately (‖[q;k;v]‖ is not ‖q‖+‖k‖+‖v‖), so the roles are three slices added
 * to the graph, named {@code <in_proj>.q}, {@code .k}, {@code .v} (rows 0..d-1, d..2d-1, 2d..3d-1, or the same
 * columns of a folded [d, 3d] weight). They are views: gradients of a loss on them reach the packed variable, which
 * is what trains; read a norm from the slice variable (or slice the packed array), not from the model's weights.
 *
 * <p><b>Neurons.</b> The SameDiff variables of the node outputs (ONNX output names, e.g.
 * {@code /layer.0/dense/Add_output_0}), in the layout the exporter wrote: [batch, tokens, units] for BERT and ViT,
 * [tokens, batch, units] for OpenAI CLIP, [batch, channels, h, w] for ONNX convolutions, [batch, h, w, channels] for
 * Keras. Flattened to [tokens, units] (reshape to {@code [-1, units]}), {@link #FIRST_TOKEN_INDEX} (added to the graph;
 * the spec's {@code firstTokenIndex}) gives the rows of each sequence's first token (BERT's [CLS], ViT's and CLIP's
 * class token); convolutional families have none (null). A neuron's weight may be stored [in, units] (folded MatMul
 * weights, Keras kernels): {@link Result#unitsAxis} says which axis indexes the units.
 *
 * <p>Imported graphs carry no pre-training loss ({@code pretrainLoss} is null); the report names the head's outputs.
 */
public final class ImportedRoles {
    private ImportedRoles() {}

    /** The variable added to the graph holding the first-token rows of the flattened neuron activations. */
    public static final String FIRST_TOKEN_INDEX = "roles.first_token_index";

    /** How neuron activations are laid out. */
    public enum Layout {
        BATCH_TOKENS_UNITS("[batch, tokens, units]"), TOKENS_BATCH_UNITS("[tokens, batch, units]"),
        BATCH_CHANNELS_H_W("[batch, channels, height, width]"), BATCH_H_W_CHANNELS("[batch, height, width, channels]");

        public final String text;

        Layout(String text) {
            this.text = text;
        }
    }

    /**
     * One role given to one variable.
     *
     * @param role     e.g. {@code regularised fc1 (layer 0)}, {@code neuron (layer 0)}, {@code representation}
     * @param variable the SameDiff name
     * @param fileName the name in the file (ONNX or Keras), or the derivation for variables this class adds
     * @param how      {@code name ...} (found by its name), {@code structure: ...} (the chain of nodes that
     *                 identified it) or {@code derived: ...} (a variable this class added: q/k/v slices, first-token rows)
     */
    public record Match(String role, String variable, String fileName, String how) {
        /** "name", "structure" or "derived". */
        public String kind() {
            return how.startsWith("name") ? "name" : how.startsWith("derived") ? "derived" : "structure";
        }

        public boolean byName() {
            return kind().equals("name");
        }
    }

    /**
     * The roles of an imported graph.
     *
     * @param spec      the roles as a {@link ModelSpec} (SameDiff names)
     * @param detection how the family was chosen (the pattern that matched, or "given by the caller")
     * @param unitsAxis per neuron layer, the axis of its weight that indexes the units (0: [units, in], as
     *                  {@link ModelSpec.NeuronWeights} documents; 1: [in, units]; 3: Keras [kh, kw, in, units])
     * @param notes     what was not assigned and why, and other remarks a user of the spec must know
     */
    public record Result(ModelSpec spec, String source, String detection, Layout layout, List<Integer> unitsAxis,
                         List<Match> matches, List<String> notes) {
        public Result {
            unitsAxis = List.copyOf(unitsAxis);
            matches = List.copyOf(matches);
            notes = List.copyOf(notes);
        }

        /** The matches whose role starts with {@code prefix}. */
        public List<Match> matches(String prefix) {
            return matches.stream().filter(m -> m.role().startsWith(prefix)).toList();
        }

        /** A human-readable report: family, detection, every role with how it was found, notes. */
        public String report() {
            StringBuilder sb = new StringBuilder();
            sb.append(source).append(": family ").append(spec.family()).append(" (").append(detection).append(")\n");
            sb.append("  neuron layout ").append(layout.text).append(", first-token rows ")
                    .append(spec.firstTokenIndex() == null ? "none" : spec.firstTokenIndex()).append('\n');
            Map<String, Long> kinds = new TreeMap<>();
            for (Match m : matches) kinds.merge(m.kind(), 1L, Long::sum);
            sb.append("  ").append(matches.size()).append(" roles: ").append(kinds.getOrDefault("name", 0L))
                    .append(" by name, ").append(kinds.getOrDefault("structure", 0L)).append(" by structure, ")
                    .append(kinds.getOrDefault("derived", 0L)).append(" derived\n");
            for (Match m : matches) {
                sb.append("  ").append(m.role()).append(": ").append(m.variable());
                if (!m.fileName().equals(m.variable())) sb.append(" (").append(m.fileName()).append(')');
                sb.append(" - ").append(m.how()).append('\n');
            }
            for (String n : notes) sb.append("  note: ").append(n).append('\n');
            return sb.toString();
        }
    }

    /** Which linear layers a transformer family has: role → alternative (weight, bias) name suffixes. */
    private record Linear(String role, List<String[]> names) {}

    /** How a family's representation is found (ONNX). */
    private enum Rep { POOLER, HEAD_INPUT, PROJECTION, LAST_LINEAR_INPUT }

    /**
     * One family: the detection pattern (over float initializer names), the layer prefix (group 1 = layer index),
     * its linear layers, which of them are neurons and regularised, the packed q/k/v projection (or null), whether
     * RECIPE trains only the regularised weights, the neuron layout and the representation.
     */
    private record Family(String name, Pattern detect, Pattern layerPrefix, List<Linear> linears, String neuronRole,
                          List<String> regularised, String[] packedQkv, boolean trainOnlyRegularised, Layout layout,
                          Rep rep, List<String> repNames, String repKind) {
        boolean conv() {
            return linears.isEmpty();
        }
    }

    private static String[] wb(String linear) {
        return new String[] {linear + ".weight", linear + ".bias"};
    }

    private static final Linear BERT_FC1 = new Linear("fc1", List.<String[]>of(wb("intermediate.dense")));
    private static final Linear BERT_QUERY = new Linear("query", List.<String[]>of(wb("attention.self.query")));

    /** The families, in detection order. */
    private static final List<Family> FAMILIES = List.of(
            new Family("bert",
                    Pattern.compile("^(?:bert\\.)?encoder\\.layer\\.\\d+\\.(?:intermediate\\.dense|attention\\.self\\.query)\\.(?:weight|bias)$"),
                    Pattern.compile("^((?:bert\\.)?encoder\\.layer\\.(\\d+)\\.)"),
                    List.of(BERT_FC1), "fc1", List.of("fc1"), null, true, Layout.BATCH_TOKENS_UNITS,
                    Rep.POOLER, List.of("bert.pooler.dense", "pooler.dense"), "pooler"),
            new Family("roberta",
                    Pattern.compile("^roberta\\.encoder\\.layer\\.\\d+\\.(?:intermediate\\.dense|attention\\.self\\.query)\\.(?:weight|bias)$"),
                    Pattern.compile("^(roberta\\.encoder\\.layer\\.(\\d+)\\.)"),
                    List.of(BERT_FC1, BERT_QUERY), "fc1", List.of("fc1", "query"), null, false,
                    Layout.BATCH_TOKENS_UNITS, Rep.POOLER, List.of("roberta.pooler.dense"), "pooler"),
            new Family("vit",
                    Pattern.compile("^encoder\\.layers\\.encoder_layer_\\d+\\.(?:mlp|self_attention)\\..+$"),
                    Pattern.compile("^(encoder\\.layers\\.encoder_layer_(\\d+)\\.)"),
                    List.of(new Linear("fc1", List.of(wb("mlp.0"), wb("mlp.linear_1"))),
                            new Linear("fc2", List.of(wb("mlp.3"), wb("mlp.linear_2"))),
                            new Linear("in_proj", List.<String[]>of(new String[] {"self_attention.in_proj_weight", "self_attention.in_proj_bias"}))),
                    "fc1", List.of("fc1", "fc2", "q", "k", "v"), new String[] {"in_proj"}, false,
                    Layout.BATCH_TOKENS_UNITS, Rep.HEAD_INPUT, List.of("heads.pre_logits", "heads.head"), "first-token"),
            new Family("clip",
                    Pattern.compile("^visual\\.transformer\\.resblocks\\.\\d+\\.(?:mlp|attn)\\..+$"),
                    Pattern.compile("^(visual\\.transformer\\.resblocks\\.(\\d+)\\.)"),
                    List.of(new Linear("fc1", List.<String[]>of(wb("mlp.c_fc"))),
                            new Linear("fc2", List.<String[]>of(wb("mlp.c_proj"))),
                            new Linear("in_proj", List.<String[]>of(new String[] {"attn.in_proj_weight", "attn.in_proj_bias"}))),
                    "fc1", List.of("fc1", "fc2", "q", "k", "v"), new String[] {"in_proj"}, false,
                    Layout.TOKENS_BATCH_UNITS, Rep.PROJECTION, List.of("visual.proj"), "first-token"),
            new Family("vgg", Pattern.compile("^features\\.\\d+\\.weight$"), null, List.of(), "conv", List.of("conv"),
                    null, false, Layout.BATCH_CHANNELS_H_W, Rep.LAST_LINEAR_INPUT, List.of(), "penultimate"));

    /** The families this class knows, in detection order. */
    public static List<String> families() {
        return FAMILIES.stream().map(Family::name).toList();
    }

    /** What {@code family} looks for, as used in error messages. */
    static String lookingFor(Family f) {
        return f.name() + " (an initializer named like " + f.detect().pattern()
                + (f.conv() ? ", rank 4, consumed by a Conv node" : "") + ")";
    }

    // ------------------------------------------------------------------------------------------------ ONNX

    /** Roles of an imported ONNX graph; the family is detected from its initializer names. */
    public static Result assign(OnnxGraph g) {
        return assign(g, null);
    }

    /** Roles of an imported ONNX graph as {@code family} ({@link #families()}), or detected when null. */
    public static Result assign(OnnxGraph g, String family) {
        Onnx v = new Onnx(g);
        Family f;
        String detection;
        if (family != null) {
            f = family(family, g.source());
            detection = "given by the caller";
            if (!v.matches(f)) {
                throw new IllegalArgumentException(g.source() + ": the caller asked for family " + f.name()
                        + " but no float initializer matches what it looks for: " + lookingFor(f));
            }
        } else {
            List<Family> hits = FAMILIES.stream().filter(v::matches).toList();
            if (hits.isEmpty()) {
                StringBuilder sb = new StringBuilder(g.source()).append(": no model family recognised among ")
                        .append(g.variables().size()).append(" float initializers. Tried: ");
                sb.append(String.join("; ", FAMILIES.stream().map(ImportedRoles::lookingFor).toList()));
                sb.append(". Pass the family to ImportedRoles.assign(graph, family) if its names follow another "
                        + "convention, or extend the table.");
                throw new IllegalArgumentException(sb.toString());
            }
            if (hits.size() > 1) {
                throw new IllegalArgumentException(g.source() + ": names of several families match: "
                        + String.join("; ", hits.stream().map(ImportedRoles::lookingFor).toList())
                        + ". Pass the family to ImportedRoles.assign(graph, family).");
            }
            f = hits.get(0);
            detection = "detected: an initializer matches " + f.detect().pattern();
        }
        return f.conv() ? v.conv(f, detection) : v.transformer(f, detection);
    }

    private static Family family(String name, String source) {
        for (Family f : FAMILIES) if (f.name().equals(name)) return f;
        throw new IllegalArgumentException(source + ": unknown model family '" + name + "'; known: " + families());
    }

    /** A linear layer found in an ONNX graph (ONNX names); {@code bias} may be null. */
    private record Found(String weight, String bias, String input, String output, int unitsAxis, String weightHow,
                         String chain) {}

    /** The ONNX graph with its value producers and consumers. */
    private static final class Onnx {
        final OnnxGraph g;
        final Map<String, OnnxGraph.Node> producer = new LinkedHashMap<>();
        final Map<String, List<OnnxGraph.Node>> consumers = new LinkedHashMap<>();
        final List<Match> matches = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Onnx(OnnxGraph g) {
            this.g = g;
            for (OnnxGraph.Node n : g.nodes()) {
                for (String o : n.outputs()) if (!o.isEmpty()) producer.put(o, n);
                for (String i : n.inputs()) if (!i.isEmpty()) consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }

        boolean matches(Family f) {
            for (String n : g.variables().keySet()) {
                if (!f.detect().matcher(n).matches()) continue;
                if (!f.conv()) return true;
                if (shape(n).length == 4 && consumers(n).stream().anyMatch(c -> c.opType().equals("Conv"))) return true;
            }
            return false;
        }

        long[] shape(String onnxName) {
            return g.sd().getVariable(g.variables().get(onnxName)).getArr().shape();
        }

        List<OnnxGraph.Node> consumers(String value) {
            return consumers.getOrDefault(value, List.of());
        }

        /** The SameDiff name of an ONNX value. */
        String sd(String onnxName) {
            String s = g.values().get(onnxName);
            if (s == null) s = g.variables().get(onnxName);
            if (s == null) throw new IllegalStateException(g.source() + ": ONNX value '" + onnxName + "' has no SameDiff variable");
            return s;
        }

        boolean isWeight(String value) {
            return g.variables().containsKey(value);
        }

        String fail(String what) {
            return g.source() + ": " + what;
        }

        void requireNodes(String role) {
            if (g.nodes().isEmpty()) {
                throw new IllegalArgumentException(fail("cannot assign " + role + ": the OnnxGraph carries no node "
                        + "structure (built without nodes); import it with OnnxImporter"));
            }
        }

        /** The linear layer whose weight or bias is one of the named alternatives, by name or from the bias. */
        Found linear(String role, String prefix, List<String[]> names) {
            requireNodes(role);
            List<String> looked = new ArrayList<>();
            for (String[] wbName : names) {
                String w = prefix + wbName[0];
                looked.add(w);
                if (isWeight(w)) return fromWeight(role, w);
            }
            for (String[] wbName : names) {
                String b = prefix + wbName[1];
                looked.add(b);
                if (isWeight(b)) return fromBias(role, b, prefix + wbName[0]);
            }
            throw new IllegalArgumentException(fail("cannot assign " + role + ": no float initializer named "
                    + String.join(" or ", looked) + " (the weight is found by name, or by structure from its bias)"));
        }

        /** Weight by name: Gemm(x, W, b), MatMul(x, Transpose(W)) [+ b], or MatMul(x, W) [+ b]. */
        Found fromWeight(String role, String w) {
            for (OnnxGraph.Node n : consumers(w)) {
                if (n.opType().equals("Gemm") && n.inputs().get(1).equals(w)) {
                    String b = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? n.inputs().get(2) : null;
                    return new Found(w, b, n.inputs().get(0), n.outputs().get(0), n.attr("transB", 0) == 1 ? 0 : 1,
                            "name", "Gemm '" + n.name() + "'");
                }
                if (n.opType().equals("Transpose")) {
                    for (OnnxGraph.Node m : consumers(n.outputs().get(0))) {
                        if (m.opType().equals("MatMul") && m.inputs().get(1).equals(n.outputs().get(0))) {
                            return withBias(w, m, 0, "name", "Transpose '" + n.name() + "' -> MatMul '" + m.name() + "'");
                        }
                    }
                }
                if (n.opType().equals("MatMul") && n.inputs().get(1).equals(w)) {
                    return withBias(w, n, 1, "name", "MatMul '" + n.name() + "'");
                }
            }
            throw new IllegalArgumentException(fail(role + ": weight '" + w + "' is not used as a linear layer's weight "
                    + "(expected Gemm input 1, MatMul input 1, or a Transpose feeding MatMul input 1); its consumers: "
                    + consumers(w).stream().map(n -> n.opType() + " '" + n.name() + "'").toList()));
        }

        Found withBias(String w, OnnxGraph.Node mm, int unitsAxis, String how, String chain) {
            String out = mm.outputs().get(0);
            for (OnnxGraph.Node a : consumers(out)) {
                if (!a.opType().equals("Add")) continue;
                String other = a.inputs().get(0).equals(out) ? a.inputs().get(1) : a.inputs().get(0);
                if (isWeight(other) && shape(other).length == 1) {
                    return new Found(w, other, mm.inputs().get(0), a.outputs().get(0), unitsAxis, how,
                            chain + " -> Add '" + a.name() + "'");
                }
            }
            return new Found(w, null, mm.inputs().get(0), out, unitsAxis, how, chain + " (no bias Add)");
        }

        /** The weight was renamed (constant folding): find it from the bias's Add (or Gemm). */
        Found fromBias(String role, String b, String expectedWeight) {
            for (OnnxGraph.Node n : consumers(b)) {
                if (n.opType().equals("Gemm") && n.inputs().size() > 2 && n.inputs().get(2).equals(b)) {
                    String w = n.inputs().get(1);
                    int axis = n.attr("transB", 0) == 1 ? 0 : 1;
                    String how = "structure: input 1 of Gemm '" + n.name() + "', which adds bias '" + b + "'";
                    if (!isWeight(w)) {
                        OnnxGraph.Node t = producer.get(w);
                        if (t == null || !t.opType().equals("Transpose") || !isWeight(t.inputs().get(0))) break;
                        w = t.inputs().get(0);
                        axis = 1 - axis;
                        how += " through Transpose '" + t.name() + "'";
                    }
                    return new Found(w, b, n.inputs().get(0), n.outputs().get(0), axis, how + noName(expectedWeight), "Gemm '" + n.name() + "'");
                }
                if (n.opType().equals("Add")) {
                    String other = n.inputs().get(0).equals(b) ? n.inputs().get(1) : n.inputs().get(0);
                    OnnxGraph.Node mm = producer.get(other);
                    if (mm == null || !mm.opType().equals("MatMul")) continue;
                    String w = mm.inputs().get(1);
                    int axis = 1;
                    String how = "structure: input 1 of MatMul '" + mm.name() + "', whose output Add '" + n.name()
                            + "' adds bias '" + b + "'";
                    if (!isWeight(w)) {
                        OnnxGraph.Node t = producer.get(w);
                        if (t == null || !t.opType().equals("Transpose") || !isWeight(t.inputs().get(0))) continue;
                        w = t.inputs().get(0);
                        axis = 0;
                        how += ", through Transpose '" + t.name() + "'";
                    }
                    return new Found(w, b, mm.inputs().get(0), n.outputs().get(0), axis,
                            how + noName(expectedWeight) + (axis == 1 ? "; stored [in, units]" : ""),
                            "MatMul '" + mm.name() + "' -> Add '" + n.name() + "'");
                }
            }
            throw new IllegalArgumentException(fail("cannot assign " + role + ": no initializer is named '" + expectedWeight
                    + "', and its bias '" + b + "' is not added to a MatMul by an initializer (consumers of the bias: "
                    + consumers(b).stream().map(n -> n.opType() + " '" + n.name() + "'").toList() + ")"));
        }

        static String noName(String expected) {
            return " (no initializer is named '" + expected + "': constant folding renamed it)";
        }

        void add(String role, String onnxName, String how) {
            matches.add(new Match(role, sd(onnxName), onnxName, how));
        }

        /** BERT, RoBERTa, ViT, CLIP. */
        Result transformer(Family f, String detection) {
            SameDiff sd = g.sd();
            TreeMap<Integer, String> layers = new TreeMap<>();
            for (String n : g.variables().keySet()) {
                Matcher m = f.layerPrefix().matcher(n);
                if (m.find()) layers.putIfAbsent(Integer.parseInt(m.group(2)), m.group(1));
            }
            List<String> neurons = new ArrayList<>();
            List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
            List<Integer> unitsAxis = new ArrayList<>();
            List<String> regularised = new ArrayList<>();
            for (Map.Entry<Integer, String> layer : layers.entrySet()) {
                int l = layer.getKey();
                Map<String, Found> found = new LinkedHashMap<>();
                for (Linear lin : f.linears()) {
                    found.put(lin.role(), linear(f.name() + " " + lin.role() + " of layer " + l, layer.getValue(), lin.names()));
                }
                Found nf = found.get(f.neuronRole());
                neurons.add(sd(nf.output()));
                neuronWeights.add(new ModelSpec.NeuronWeights(sd(nf.weight()),
                        nf.bias() == null ? null : sd(nf.bias())));
                unitsAxis.add(nf.unitsAxis());
                add("neuron " + f.neuronRole() + " (layer " + l + ")", nf.output(), "structure: output of " + nf.chain());
                add("neuron weight (layer " + l + ")", nf.weight(), nf.weightHow());
                if (nf.bias() != null) {
                    add("neuron bias (layer " + l + ")", nf.bias(), nf.weightHow().equals("name")
                            ? "structure: the bias added after " + nf.chain() : "name");
                }
                if (nf.unitsAxis() != 0) {
                    notes.add("layer " + l + ": neuron weight '" + nf.weight() + "' is stored [in, units]; its units are "
                            + "columns, not the rows ModelSpec.NeuronWeights documents");
                }
                for (String r : f.regularised()) {
                    Found rf = found.get(r);
                    if (rf != null) {
                        regularised.add(sd(rf.weight()));
                        add("regularised " + r + " (layer " + l + ")", rf.weight(), rf.weightHow());
                    }
                }
                if (f.packedQkv() != null) {
                    Found p = found.get(f.packedQkv()[0]);
                    String packed = sd(p.weight());
                    long[] s = sd.getVariable(packed).getArr().shape();
                    int ax = p.unitsAxis();
                    if (s.length != 2 || s[ax] % 3 != 0) {
                        throw new IllegalArgumentException(fail("layer " + l + ": packed q/k/v weight '" + p.weight()
                                + "' has shape " + Arrays.toString(s) + "; expected [3d, d] (or [d, 3d] when folded)"));
                    }
                    long d = s[ax] / 3;
                    String[] qkv = {"q", "k", "v"};
                    for (int i = 0; i < 3; i++) {
                        String name = packed + "." + qkv[i];
                        if (!sd.hasVariable(name)) {
                            int[] begin = ax == 0 ? new int[] {(int) (i * d), 0} : new int[] {0, (int) (i * d)};
                            int[] size = ax == 0 ? new int[] {(int) d, (int) s[1]} : new int[] {(int) s[0], (int) d};
                            sd.slice(name, sd.getVariable(packed), begin, size);
                        }
                        regularised.add(name);
                        long from = i * d, to = (i + 1) * d - 1;
                        matches.add(new Match("regularised " + qkv[i] + " (layer " + l + ")", name,
                                p.weight() + (ax == 0 ? "[" + from + ".." + to + ", :]" : "[:, " + from + ".." + to + "]"),
                                "derived: slice of packed " + p.weight() + " (found by " + p.weightHow() + ")"));
                    }
                }
            }
            if (layers.isEmpty()) throw new IllegalArgumentException(fail("family " + f.name() + ": no layer matches " + f.layerPrefix().pattern()));
            String first = firstTokenIndex(sd, neurons.get(0), f.layout());
            matches.add(new Match("firstTokenIndex", first, first, "derived: added to the graph, the rows of the first "
                    + "token in " + neurons.get(0) + " flattened to [tokens, units]"));
            String rep = representation(f);
            List<String> trainable = f.trainOnlyRegularised()
                    ? regularised.stream().map(n -> "^" + Pattern.quote(n) + "$").toList() : List.of(".*");
            if (f.packedQkv() != null) {
                notes.add("q, k, v are slices of each packed in_proj weight (views added to the graph): the packed "
                        + "variable is what trains");
            }
            notes.add("pretrainLoss: none in an imported graph; graph outputs " + g.outputs().keySet()
                    + " (build the pre-training loss on them)");
            ModelSpec spec = new ModelSpec(f.name(), List.copyOf(g.inputs().values()), rep, f.repKind(), neurons,
                    neuronWeights, first, regularised, trainable, null);
            return new Result(spec, g.source(), detection, f.layout(), unitsAxis, matches, notes);
        }

        String representation(Family f) {
            switch (f.rep()) {
                case POOLER -> {
                    for (String p : f.repNames()) {
                        if (!isWeight(p + ".weight") && !isWeight(p + ".bias")) continue;
                        Found lin = linear("representation (pooler)", "", List.<String[]>of(wb(p)));
                        for (OnnxGraph.Node t : consumers(lin.output())) {
                            if (t.opType().equals("Tanh")) {
                                add("representation", t.outputs().get(0), "structure: Tanh '" + t.name() + "' after " + lin.chain()
                                        + " of " + p);
                                return sd(t.outputs().get(0));
                            }
                        }
                    }
                    notes.add("representation: no pooler (" + f.repNames() + " with a Tanh after it); not assigned");
                    return null;
                }
                case HEAD_INPUT -> {
                    for (String p : f.repNames()) {
                        if (!isWeight(p + ".weight") && !isWeight(p + ".bias")) continue;
                        Found lin = linear("representation (head input)", "", List.<String[]>of(wb(p)));
                        add("representation", lin.input(), "structure: input of " + lin.chain() + " of " + p);
                        return sd(lin.input());
                    }
                    notes.add("representation: no classifier head " + f.repNames() + "; not assigned");
                    return null;
                }
                case PROJECTION -> {
                    for (String p : f.repNames()) {
                        for (OnnxGraph.Node m : consumers(p)) {
                            if (m.opType().equals("MatMul") && m.inputs().get(1).equals(p)) {
                                add("representation", m.outputs().get(0), "structure: output of MatMul '" + m.name()
                                        + "' by " + p + " (the projected class token)");
                                return sd(m.outputs().get(0));
                            }
                        }
                    }
                    notes.add("representation: no MatMul by " + f.repNames() + "; not assigned");
                    return null;
                }
                default -> {
                    // the input of the last linear layer (Gemm, or MatMul by an initializer) in graph order
                    for (int i = g.nodes().size() - 1; i >= 0; i--) {
                        OnnxGraph.Node n = g.nodes().get(i);
                        boolean lin = n.opType().equals("Gemm") && isWeight(n.inputs().get(1))
                                || n.opType().equals("MatMul") && isWeight(n.inputs().get(1));
                        if (lin) {
                            add("representation", n.inputs().get(0), "structure: input of the last linear layer, "
                                    + n.opType() + " '" + n.name() + "' by " + n.inputs().get(1));
                            return sd(n.inputs().get(0));
                        }
                    }
                    notes.add("representation: no linear layer after the convolutions; not assigned");
                    return null;
                }
            }
        }

        /** VGG: every Conv node's weight; the neurons are the Conv outputs. */
        Result conv(Family f, String detection) {
            requireNodes("vgg conv weights");
            List<String> neurons = new ArrayList<>();
            List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
            List<Integer> unitsAxis = new ArrayList<>();
            List<String> regularised = new ArrayList<>();
            int l = 0;
            for (OnnxGraph.Node n : g.nodes()) {
                if (!n.opType().equals("Conv")) continue;
                String w = n.inputs().get(1);
                if (!isWeight(w)) {
                    notes.add("Conv '" + n.name() + "' has a computed weight (" + w + "); not a role");
                    continue;
                }
                String b = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? n.inputs().get(2) : null;
                String how = f.detect().matcher(w).matches() ? "name"
                        : "structure: weight of Conv '" + n.name() + "' (name does not match " + f.detect().pattern() + ")";
                neurons.add(sd(n.outputs().get(0)));
                neuronWeights.add(new ModelSpec.NeuronWeights(sd(w), b == null ? null : sd(b)));
                unitsAxis.add(0);
                regularised.add(sd(w));
                add("neuron conv (layer " + l + ")", n.outputs().get(0), "structure: output of Conv '" + n.name() + "'");
                add("regularised conv (layer " + l + ")", w, how);
                if (b != null) add("neuron bias (layer " + l + ")", b, "structure: input 2 of Conv '" + n.name() + "'");
                l++;
            }
            String rep = representation(f);
            notes.add("neurons are convolution channels [batch, channels, h, w]: no first-token rows (firstTokenIndex null)");
            notes.add("pretrainLoss: none in an imported graph; graph outputs " + g.outputs().keySet());
            ModelSpec spec = new ModelSpec(f.name(), List.copyOf(g.inputs().values()), rep, f.repKind(), neurons,
                    neuronWeights, null, regularised, List.of(".*"), null);
            return new Result(spec, g.source(), detection, f.layout(), unitsAxis, matches, notes);
        }
    }

    /** Adds (once) the first-token rows of {@code neuron} flattened to [tokens, units]. */
    private static String firstTokenIndex(SameDiff sd, String neuron, Layout layout) {
        if (sd.hasVariable(FIRST_TOKEN_INDEX)) return FIRST_TOKEN_INDEX;
        SDVariable act = sd.getVariable(neuron);
        SDVariable zero = sd.constant(Nd4j.scalar(DataType.INT, 0));
        SDVariable idx;
        if (layout == Layout.BATCH_TOKENS_UNITS) {
            // rows 0, T, 2T, ... of the [B·T, units] view
            SDVariable b = sd.sizeAt(act, 0).castTo(DataType.INT), t = sd.sizeAt(act, 1).castTo(DataType.INT);
            idx = sd.range(zero, b.mul(t), t, DataType.INT);
        } else {
            // token 0 of every sequence is the first B rows of the [T·B, units] view
            SDVariable b = sd.sizeAt(act, 1).castTo(DataType.INT);
            idx = sd.range(zero, b, sd.constant(Nd4j.scalar(DataType.INT, 1)), DataType.INT);
        }
        return sd.identity(FIRST_TOKEN_INDEX, idx).name();
    }

    // ------------------------------------------------------------------------------------------------ Keras

    /** Roles of an imported Keras graph: the convolutional family (vgg), the only one Keras files are read as. */
    public static Result assign(KerasGraph g) {
        return assign(g, null);
    }

    /** Roles of an imported Keras graph as {@code family} (only "vgg"), or detected when null. */
    public static Result assign(KerasGraph g, String family) {
        Pattern kernel = Pattern.compile("^(.+)/kernel:0$");
        if (family != null && !family.equals("vgg")) {
            throw new IllegalArgumentException(g.source() + ": family '" + family + "' is not available for Keras "
                    + "graphs; only vgg (convolution kernels of rank 4)");
        }
        List<String> neurons = new ArrayList<>();
        List<ModelSpec.NeuronWeights> neuronWeights = new ArrayList<>();
        List<Integer> unitsAxis = new ArrayList<>();
        List<String> regularised = new ArrayList<>();
        List<Match> matches = new ArrayList<>();
        int l = 0;
        for (Map.Entry<String, String> e : g.variables().entrySet()) {
            Matcher m = kernel.matcher(e.getKey());
            if (!m.matches() || g.sd().getVariable(e.getValue()).getArr().rank() != 4) continue;
            String layer = m.group(1);
            if (!g.sd().hasVariable(layer)) {
                throw new IllegalArgumentException(g.source() + ": convolution kernel '" + e.getKey()
                        + "' has no layer output named '" + layer + "' in the graph");
            }
            String bias = g.variables().get(layer + "/bias:0");
            neurons.add(layer);
            neuronWeights.add(new ModelSpec.NeuronWeights(e.getValue(), bias));
            unitsAxis.add(3);
            regularised.add(e.getValue());
            matches.add(new Match("neuron conv (layer " + l + ")", layer, layer, "name: output of layer " + layer
                    + " (after the layer's own activation, if it has one)"));
            matches.add(new Match("regularised conv (layer " + l + ")", e.getValue(), e.getKey(), "name"));
            if (bias != null) matches.add(new Match("neuron bias (layer " + l + ")", bias, layer + "/bias:0", "name"));
            l++;
        }
        if (neurons.isEmpty()) {
            throw new IllegalArgumentException(g.source() + ": no model family recognised among " + g.variables().size()
                    + " Keras weights. Tried: vgg (a weight named like " + kernel.pattern() + " of rank 4)");
        }
        List<String> notes = List.of(
                "neurons are convolution channels [batch, height, width, channels] (Keras layout); kernels are "
                        + "[kh, kw, in, units]: units on axis 3",
                "representation: not assigned (KerasGraph does not expose layer connectivity)",
                "pretrainLoss: none in an imported graph; outputs " + g.outputs().keySet());
        ModelSpec spec = new ModelSpec("vgg", List.copyOf(g.inputs().values()), null, "penultimate", neurons,
                neuronWeights, null, regularised, List.of(".*"), null);
        return new Result(spec, g.source(), family != null ? "given by the caller"
                : "detected: rank-4 weights named like " + kernel.pattern(), Layout.BATCH_H_W_CHANNELS, unitsAxis,
                matches, notes);
    }
}
