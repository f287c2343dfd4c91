package dev.recipe.zoo.vision;

import dev.recipe.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Creates a graph's parameters with HuggingFace's transformer initialisation (weights normal(0, std), biases zero,
 * layer-norm gains one), drawn from ND4J's seeded generator in definition order, and the dense layers that use them.
 */
public record Params(SameDiff sd, DataType dt, double std) {

    public SDVariable normal(String name, long... shape) {
        return sd.var(name, Nd4j.randn(dt, shape).muli(std));
    }

    public SDVariable zeros(String name, long... shape) {
        return sd.var(name, Nd4j.zeros(dt, shape));
    }

    public SDVariable ones(String name, long n) {
        return sd.var(name, Nd4j.ones(dt, n));
    }

    /** {@code name.weight} [out, in] and {@code name.bias} [out] applied to x [N, in]: output {@code name.out}. */
    public SDVariable dense(String name, SDVariable x, int out, int in) {
        return Layers.linear(sd, name + ".out", x, normal(name + ".weight", out, in), zeros(name + ".bias", out));
    }

    /** Layer norm with gain {@code name.weight} and bias {@code name.bias}: output {@code outName}. */
    public SDVariable layerNorm(String name, String outName, SDVariable x, int width, double eps) {
        return Layers.layerNorm(sd, outName, x, ones(name + ".weight", width), zeros(name + ".bias", width), eps);
    }
}
