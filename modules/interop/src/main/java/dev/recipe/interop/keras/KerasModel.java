package dev.recipe.interop.keras;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Keras 2 architecture parsed from {@code model_config}: the layers in file order with, for each call of a layer
 * (an "inbound node"; a layer shared between branches has several), the tensors it reads; and the model's input and
 * output tensors. A Sequential model is rewritten as the equivalent chain: its first layer's
 * {@code batch_input_shape} (or its InputLayer) becomes the input, each layer reads the one before it, the last is the
 * output. Both Sequential forms are accepted (Keras ≤ 2.2.4 stores a bare list of layers, later versions
 * {@code {"name", "layers"}}), and Functional models stored as {@code Model} or {@code Functional}.
 */
public record KerasModel(String className, String name, List<Layer> layers, List<TensorRef> inputs, List<TensorRef> outputs) {
    /** The {@code node}-th call of layer {@code layer}, output {@code tensor} (always 0 for the layers supported). */
    public record TensorRef(String layer, int node, int tensor) {
        @Override
        public String toString() {
            return node == 0 && tensor == 0 ? layer : layer + "[" + node + "][" + tensor + "]";
        }
    }

    /** One layer: its class name, name, config object and, per call, the tensors it reads (empty for InputLayer). */
    public record Layer(String className, String name, JsonNode config, List<List<TensorRef>> inbound) {
        public String describe() {
            return className + " '" + name + "'";
        }
    }

    /** Parses Keras JSON; {@code source} names the file in error messages. */
    public static KerasModel parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new KerasImportException(source + ": model_config is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.has("class_name")) {
            throw new KerasImportException(source + ": model_config is not a Keras model description (no class_name)");
        }
        String cls = root.get("class_name").asText();
        JsonNode config = root.get("config");
        return switch (cls) {
            case "Sequential" -> sequential(config, source);
            case "Model", "Functional" -> functional(cls, config, source);
            default -> throw new KerasImportException(source + ": model class '" + cls
                    + "' is not supported; expected Sequential, Model or Functional");
        };
    }

    private static KerasModel sequential(JsonNode config, String source) {
        JsonNode list = config != null && config.isArray() ? config : config == null ? null : config.get("layers");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new KerasImportException(source + ": Sequential model_config has no layers");
        }
        String modelName = config.isObject() && config.has("name") ? config.get("name").asText() : "sequential";
        List<Layer> layers = new ArrayList<>();
        String previous;
        int start = 0;
        JsonNode first = list.get(0);
        if ("InputLayer".equals(first.path("class_name").asText())) {
            Layer in = plainLayer(first, source);
            layers.add(new Layer(in.className(), in.name(), in.config(), List.of()));
            previous = in.name();
            start = 1;
        } else {
            Layer l = plainLayer(first, source);
            JsonNode shape = l.config().get("batch_input_shape");
            if (shape == null || !shape.isArray()) {
                throw new KerasImportException(source + ": the first layer of the Sequential model, " + l.describe()
                        + ", has no batch_input_shape: the input shape is unknown (a model that was never built?)");
            }
            ObjectNode inCfg = JsonNodeFactory.instance.objectNode();
            inCfg.set("batch_input_shape", shape);
            if (l.config().has("dtype")) inCfg.set("dtype", l.config().get("dtype"));
            previous = l.name() + "_input";
            layers.add(new Layer("InputLayer", previous, inCfg, List.of()));
        }
        for (int i = start; i < list.size(); i++) {
            Layer l = plainLayer(list.get(i), source);
            layers.add(new Layer(l.className(), l.name(), l.config(), List.of(List.of(new TensorRef(previous, 0, 0)))));
            previous = l.name();
        }
        requireUniqueNames(layers, source);
        return new KerasModel("Sequential", modelName, List.copyOf(layers), List.of(new TensorRef(layers.get(0).name(), 0, 0)),
                List.of(new TensorRef(previous, 0, 0)));
    }

    private static KerasModel functional(String cls, JsonNode config, String source) {
        if (config == null || !config.path("layers").isArray()) {
            throw new KerasImportException(source + ": " + cls + " model_config has no layers list");
        }
        List<Layer> layers = new ArrayList<>();
        for (JsonNode ln : config.get("layers")) {
            Layer l = plainLayer(ln, source);
            List<List<TensorRef>> inbound = new ArrayList<>();
            JsonNode nodes = ln.get("inbound_nodes");
            if (nodes != null && !nodes.isArray()) throw new KerasImportException(source + ": layer " + l.describe() + ": inbound_nodes is not a list");
            if (nodes != null) {
                for (JsonNode node : nodes) inbound.add(refs(node, source, "layer " + l.describe() + ": inbound node " + node));
            }
            if (inbound.isEmpty() && !l.className().equals("InputLayer")) {
                throw new KerasImportException(source + ": layer " + l.describe() + " is connected to nothing (no inbound_nodes)");
            }
            layers.add(new Layer(l.className(), l.name(), l.config(), inbound.stream().map(List::copyOf).toList()));
        }
        requireUniqueNames(layers, source);
        List<TensorRef> ins = refs(config.get("input_layers"), source, "input_layers");
        List<TensorRef> outs = refs(config.get("output_layers"), source, "output_layers");
        if (ins.isEmpty() || outs.isEmpty()) throw new KerasImportException(source + ": the model declares no inputs or no outputs");
        return new KerasModel(cls, config.path("name").asText("model"), List.copyOf(layers), ins, outs);
    }

    /** A list of {@code [layer, node, tensor(, kwargs)]} entries (Keras 2's connection format). */
    private static List<TensorRef> refs(JsonNode list, String source, String where) {
        if (list == null || !list.isArray()) throw new KerasImportException(source + ": " + where + " is missing or not a list");
        // a single reference may be stored unwrapped: ["input_1", 0, 0]
        if (!list.isEmpty() && list.get(0).isTextual()) return List.of(ref(list, source, where));
        List<TensorRef> out = new ArrayList<>();
        for (JsonNode r : list) out.add(ref(r, source, where));
        return out;
    }

    private static TensorRef ref(JsonNode r, String source, String where) {
        if (!r.isArray() || r.size() < 3 || !r.get(0).isTextual() || !r.get(1).canConvertToInt() || !r.get(2).canConvertToInt()) {
            throw new KerasImportException(source + ": " + where + ": expected [layer name, node index, tensor index], got "
                    + r + " (Keras 3's connection format is not supported)");
        }
        if (r.size() > 3 && r.get(3).isObject() && !r.get(3).isEmpty()) {
            throw new KerasImportException(source + ": " + where + ": call arguments " + r.get(3) + " are not supported");
        }
        return new TensorRef(r.get(0).asText(), r.get(1).asInt(), r.get(2).asInt());
    }

    private static Layer plainLayer(JsonNode n, String source) {
        if (n == null || !n.isObject() || !n.path("class_name").isTextual()) {
            throw new KerasImportException(source + ": a layer entry without class_name: " + n);
        }
        String cls = n.get("class_name").asText();
        JsonNode cfg = n.get("config");
        if (cfg == null || !cfg.isObject()) throw new KerasImportException(source + ": layer of class " + cls + " has no config object");
        String name = n.has("name") ? n.get("name").asText() : cfg.path("name").asText(null);
        if (name == null || name.isEmpty()) throw new KerasImportException(source + ": layer of class " + cls + " has no name");
        return new Layer(cls, name, cfg, List.of());
    }

    private static void requireUniqueNames(List<Layer> layers, String source) {
        Set<String> seen = new HashSet<>();
        for (Layer l : layers) {
            if (!seen.add(l.name())) throw new KerasImportException(source + ": two layers are named '" + l.name() + "'");
        }
    }

    /** The layer named {@code name}, or null. */
    public Layer layer(String name) {
        for (Layer l : layers) if (l.name().equals(name)) return l;
        return null;
    }
}
