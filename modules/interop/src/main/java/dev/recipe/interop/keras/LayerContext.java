package dev.recipe.interop.keras;

import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recipe.interop.Value;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One call of one Keras layer during translation: its inputs (Keras layout, batch dimension {@code -1}), its config
 * and its weights as SameDiff variables (created once per layer, so a layer called twice shares them).
 */
final class LayerContext {
    private final SameDiff sd;
    private final KerasModel.Layer layer;
    private final List<Value> inputs;
    private final DataType floatType;
    private final String source;
    private final Function<String, SDVariable> weights;

    LayerContext(SameDiff sd, KerasModel.Layer layer, List<Value> inputs, DataType floatType, String source,
                 Function<String, SDVariable> weights) {
        this.sd = sd;
        this.layer = layer;
        this.inputs = inputs;
        this.floatType = floatType;
        this.source = source;
        this.weights = weights;
    }

    SameDiff sd() {
        return sd;
    }

    KerasModel.Layer layer() {
        return layer;
    }

    DataType floatType() {
        return floatType;
    }

    int inputCount() {
        return inputs.size();
    }

    Value in(int i) {
        return inputs.get(i);
    }

    List<Value> inputs() {
        return inputs;
    }

    /** The single input of a one-input layer. */
    Value in() {
        if (inputs.size() != 1) throw fail("expected one input, got " + inputs.size());
        return inputs.get(0);
    }

    /** The weight whose Keras name ends in {@code role} ({@code kernel}, {@code bias}, {@code alpha}, ...). */
    SDVariable weight(String role) {
        return weights.apply(role);
    }

    JsonNode cfg(String key) {
        JsonNode n = layer.config().get(key);
        return n == null || n.isNull() ? null : n;
    }

    String string(String key, String dflt) {
        JsonNode n = cfg(key);
        return n == null ? dflt : n.asText();
    }

    boolean bool(String key, boolean dflt) {
        JsonNode n = cfg(key);
        return n == null ? dflt : n.asBoolean();
    }

    double number(String key, double dflt) {
        JsonNode n = cfg(key);
        return n == null ? dflt : n.asDouble();
    }

    /** An int pair given as one number or a list of two (kernel_size, strides, pool_size...). */
    long[] pair(String key, long[] dflt) {
        return KerasLayers.pair(cfg(key), dflt);
    }

    /** True for channels_last (the default), false for channels_first. */
    boolean channelsLast() {
        return !"channels_first".equals(string("data_format", "channels_last"));
    }

    KerasImportException fail(String message) {
        return new KerasImportException(source + ": layer " + layer.describe() + ": " + message);
    }

    KerasImportException fail(String message, Throwable cause) {
        return new KerasImportException(source + ": layer " + layer.describe() + ": " + message, cause);
    }
}
